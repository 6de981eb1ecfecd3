/**
 * Messages to a room's number: a member who texts STOP (or STOPALL, UNSUBSCRIBE, CANCEL, END,
 * QUIT: the carriers' usual opt-out words) is opted out of the room's texts and calls, and
 * START (YES, UNSTOP) brings them back; HELP (INFO) says what the number is. Every member with
 * the sender's number changes (two members may share a home line). Answered as a messaging
 * document, so the reply goes out like any app's `<Message>`. Keywords from someone who is not a
 * member get no answer; other texts are the room's chat (chat/inbound.ts).
 *
 * @example
 * const markup = await roomMessage({ store, runtime }, room, { From: '+15550100101', Body: 'stop' });
 */
import { MessagingResponse } from '@patchbay/markup';
import type { WebhookParams } from '@patchbay/sdk';
import type { RoomUpdates } from './call/room-updates.js';
import { chatText, type InboundDeps } from './chat/inbound.js';
import { roomMembers } from './members.js';
import type { RoomMemberRecord, RoomRecord } from './records.js';

const OPT_OUT = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT']);
const OPT_IN = new Set(['START', 'YES', 'UNSTOP']);
const HELP = new Set(['HELP', 'INFO']);

export type Keyword = 'opt-out' | 'opt-in' | 'help';

/** The keyword a text is (the whole text, trimmed, any case), if it is one. */
export function keywordOf(body: string): Keyword | undefined {
  const word = body
    .trim()
    .replace(/[.!]+$/, '')
    .toUpperCase();
  if (OPT_OUT.has(word)) return 'opt-out';
  if (OPT_IN.has(word)) return 'opt-in';
  if (HELP.has(word)) return 'help';
  return undefined;
}

function reply(text: string): string {
  const response = new MessagingResponse();
  response.message(text);
  return response.toString();
}

export async function roomMessage(
  deps: InboundDeps & { readonly updates?: RoomUpdates | undefined },
  room: RoomRecord,
  params: WebhookParams,
): Promise<string> {
  const from = String(params.From ?? '');
  const keyword = keywordOf(String(params.Body ?? ''));
  if (!keyword) return chatText(deps, room, params);
  if (keyword === 'help')
    return reply(`${room.friendlyName}: this number calls and texts the room's members. Reply STOP to opt out.`);
  const optedOut = keyword === 'opt-out';
  const members = (await roomMembers(deps.store, room)).filter((m) => m.phones.some((p) => p.number === from));
  const now = deps.runtime.clock.now();
  for (const member of members)
    await deps.store.update<RoomMemberRecord>('room-member', room.accountSid, member.sid, (current) => ({
      ...current,
      optedOut,
      updatedAt: now,
    }));
  for (const member of members)
    if (member.optedOut !== optedOut)
      await deps.updates?.changed(room, { change: 'member-changed', memberSid: member.sid, fields: ['OptedOut'] });
  if (members.length === 0) return new MessagingResponse().toString();
  return reply(
    optedOut
      ? `You will get no more calls or texts from ${room.friendlyName}. Reply START to get them again.`
      : `You will get calls and texts from ${room.friendlyName} again. Reply STOP to opt out.`,
  );
}
