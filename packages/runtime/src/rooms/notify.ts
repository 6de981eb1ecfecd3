/**
 * Telling a new member about the room: an SMS from the room's number with the account's template
 * (`{organizer}`, `{room}`, `{number}` filled in), to the number the member is rung on; not to an
 * organizer, nor to a member who opted out or has no number. The app event for app users goes over
 * the room's control channel.
 *
 * @example
 * await notifyMemberAdded({ runtime, store, account }, room, member);
 */
import type { AccountRecord } from '../api/auth.js';
import type { Runtime } from '../runtime.js';
import type { Store } from '../store/types.js';
import { displayName } from './contacts.js';
import { roomMembers } from './members.js';
import { roomPolicy } from './policy.js';
import type { RoomMemberRecord, RoomRecord } from './records.js';

/** The number a member is rung and texted on: their chosen one, else their first. */
export function memberNumber(member: RoomMemberRecord): string | undefined {
  return (member.phones.find((phone) => phone.type === member.ringPhone) ?? member.phones[0])?.number;
}

export function fillTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}

export async function notifyMemberAdded(
  deps: { readonly runtime: Runtime; readonly store: Store; readonly account: AccountRecord },
  room: RoomRecord,
  member: RoomMemberRecord,
): Promise<void> {
  const to = memberNumber(member);
  if (member.role === 'organizer' || member.optedOut || !to) return;
  const organizer = (await roomMembers(deps.store, room)).find((m) => m.role === 'organizer');
  const policy = await roomPolicy(deps.store, room.accountSid);
  const body = fillTemplate(policy.memberAddedTemplate, {
    organizer: organizer ? displayName(organizer) : room.friendlyName,
    room: room.friendlyName,
    number: room.phoneNumber,
  });
  await deps.runtime.messages.send({
    account: { sid: deps.account.sid, authToken: deps.account.authToken },
    to,
    from: room.phoneNumber,
    body,
  });
}
