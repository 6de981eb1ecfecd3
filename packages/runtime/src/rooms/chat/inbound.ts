/**
 * A text to the room's number that is not a keyword (sms.ts handles STOP, START, HELP): the chat.
 * From a member whose number is verified, it is posted as theirs (`source: sms`) and reaches every
 * other member (SMS, and the app event); no reply. From a member not verified yet, it is held and
 * answered with how to verify: a code is texted, and replying with it verifies the number and
 * releases the held texts, in order. Texts from someone who is not a member, or from a member who
 * opted out, are not relayed and get no answer. Refusals (the policy, the rate, a bad message) are
 * answered in words, since a phone has no other way to learn of them.
 *
 * @example
 * const markup = await chatText({ store, runtime, chat }, room, params);
 */
import { MessagingResponse } from '@patchbay/markup';
import type { WebhookParams } from '@patchbay/sdk';
import { RestError } from '../../api/http.js';
import type { Runtime } from '../../runtime.js';
import type { Store } from '../../store/types.js';
import { roomMembers } from '../members.js';
import type { RoomMemberRecord, RoomRecord } from '../records.js';
import { Serial } from '../serial.js';
import type { RoomChat } from './chat.js';
import { checkCode, type HeldText, holdText, isVerified, sendCode, verificationOf } from './verification.js';

export interface InboundDeps {
  readonly store: Store;
  readonly runtime: Runtime;
  readonly chat?: RoomChat | undefined;
}

const CODE = /^\d{6}$/;

function answer(text?: string): string {
  const response = new MessagingResponse();
  if (text) response.message(text);
  return response.toString();
}

/** Why a text was not posted, in words for the phone. */
function refusalText(room: RoomRecord, error: unknown): string {
  if (!(error instanceof RestError)) throw error;
  if (error.code === 91107) return `${room.friendlyName}: members cannot send that to the room (the room's rules).`;
  if (error.code === 91162) return `${room.friendlyName}: too many messages right now. Try again in a minute.`;
  return `${room.friendlyName}: that message could not be sent to the room.`;
}

function textOf(params: WebhookParams): HeldText & { readonly at: number } {
  const count = Math.min(Number(params.NumMedia ?? 0) || 0, 20);
  const mediaUrls = Array.from({ length: count }, (_, i) => String(params[`MediaUrl${i}`] ?? '')).filter(Boolean);
  return { body: String(params.Body ?? ''), mediaUrls, at: 0 };
}

async function post(deps: InboundDeps, room: RoomRecord, member: RoomMemberRecord, texts: readonly HeldText[]) {
  for (const text of texts)
    await deps.chat?.post(room, { from: member.sid, body: text.body, mediaUrls: text.mediaUrls, source: 'sms' });
}

/** One text at a time per sender and room: a text decides on the verification the one before left. */
const turns = new Serial();

export function chatText(deps: InboundDeps, room: RoomRecord, params: WebhookParams): Promise<string> {
  return turns.run(`${room.sid}:${String(params.From ?? '')}`, () => relayText(deps, room, params));
}

async function relayText(deps: InboundDeps, room: RoomRecord, params: WebhookParams): Promise<string> {
  const from = String(params.From ?? '');
  const senders = (await roomMembers(deps.store, room)).filter(
    (m) => !m.optedOut && m.phones.some((p) => p.number === from),
  );
  if (senders.length === 0 || !deps.chat) return answer();
  const text = { ...textOf(params), at: deps.runtime.clock.now() };
  // Two members may share a line: a verified one speaks for it, else the first added.
  const member = senders.find((m) => isVerified(m, from)) ?? (senders.at(-1) as RoomMemberRecord);
  try {
    if (isVerified(member, from)) {
      await post(deps, room, member, [text]);
      return answer();
    }
    const pending = await verificationOf(deps.store, member, from);
    if (pending?.status === 'pending' && CODE.test(text.body.trim()) && text.mediaUrls.length === 0) {
      const { held } = await checkCode(deps, member, from, text.body);
      const current = (await deps.store.get<RoomMemberRecord>('room-member', member.accountSid, member.sid)) ?? member;
      await post(deps, room, current, held);
      return answer(`${room.friendlyName}: your number is verified. Your texts now reach the room.`);
    }
    const live = pending?.status === 'pending' && pending.expiresAt > deps.runtime.clock.now();
    if (live && pending) await holdText(deps.store, pending, text);
    else await sendCode(deps, room, member, from, text);
    return answer(
      `${room.friendlyName}: to chat with the room by text, verify this number: reply with the code we sent you. Your message goes out once you do.`,
    );
  } catch (error) {
    if (error instanceof RestError && error.code === 91171) return answer(`${room.friendlyName}: ${error.message}.`);
    if (error instanceof RestError && error.code === 91174)
      return answer(`${room.friendlyName}: too many codes were sent to this number. Try again in an hour.`);
    if (error instanceof RestError && [91172, 91173].includes(error.code))
      return answer(`${room.friendlyName}: that code no longer works. Send your message again for a new one.`);
    return answer(refusalText(room, error));
  }
}
