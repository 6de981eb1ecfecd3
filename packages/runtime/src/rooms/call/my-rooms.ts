/**
 * A member's app finds its rooms (docs/rooms.md, the control channel): `rooms` answers the rooms
 * whose member the token's identity is, in its own account only (each with whether its call is in
 * progress, so the app can offer a one-tap join), and each of the identity's open sessions gets a
 * `room-added` notice the moment they are added to a room ("an event in the app for app users").
 *
 * @example
 * const rooms = await roomsOf(deps, { accountSid, identity: 'ann' });
 * tellAdded(runtime, room, member);
 */
import { LIMITS, type RoomSummary } from '@patchbay/sdk/protocol';
import type { Runtime } from '../../runtime.js';
import type { RoomMemberRecord, RoomRecord } from '../records.js';
import type { CommandDeps } from './commands.js';

/** Whether the room's call runs, on this node or, in a cluster, on another (cluster/room-call-placement.ts). */
export async function callInProgress(deps: Pick<CommandDeps, 'engine' | 'cluster'>, roomSid: string): Promise<boolean> {
  if (deps.engine.live(roomSid)) return true;
  return (await deps.cluster?.elsewhere(roomSid)) !== undefined;
}

/** The identity's rooms: its newest LIMITS.maxRoomsListed memberships. */
export async function roomsOf(
  deps: Pick<CommandDeps, 'store' | 'engine' | 'cluster'>,
  holder: { readonly accountSid: string; readonly identity: string },
): Promise<RoomSummary[]> {
  const { items } = await deps.store.list<RoomMemberRecord>('room-member', {
    accountSid: holder.accountSid,
    where: { identity: holder.identity },
    page: 0,
    pageSize: LIMITS.maxRoomsListed,
  });
  const rooms: RoomSummary[] = [];
  for (const member of items) {
    // Deleted meanwhile (its members go with it): not listed.
    const room = await deps.store.get<RoomRecord>('room', holder.accountSid, member.roomSid);
    if (!room) continue;
    rooms.push({
      sid: room.sid,
      name: room.friendlyName,
      ...(room.avatarUrl ? { avatarUrl: room.avatarUrl } : {}),
      number: room.phoneNumber,
      callInProgress: await callInProgress(deps, room.sid),
      member: member.sid,
      role: member.role,
    });
  }
  return rooms;
}

/** Tells the member's open sessions (an app user's) they were added to the room. */
export function tellAdded(runtime: Runtime, room: RoomRecord, member: RoomMemberRecord): void {
  if (!member.identity) return;
  runtime.devices?.tell(room.accountSid, member.identity, {
    type: 'notice',
    notice: { kind: 'room-added', room: room.sid, name: room.friendlyName, member: member.sid, role: member.role },
  });
}
