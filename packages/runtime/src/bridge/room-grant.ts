/**
 * The rooms grant of a device's access token (`grants.rooms`, the SDK's RoomsGrant): the rooms
 * the holder may follow on the device channel, and whether it may command their calls as
 * organizer. A grant that is there but malformed refuses the token (AccessTokenGrantsInvalid):
 * a typo must not silently grant less, or more.
 *
 * @example
 * const rooms = roomsGrant(grants.rooms); // { sids: ['RM...'], organizer: true } or undefined
 * if (!mayCommand(token, room.sid)) throw ...
 */
import { DeviceError } from '@patchbay/sdk/protocol';

/** Rooms one token may name (the SDK's MAX_GRANT_ROOMS). */
const MAX_ROOMS = 100;
const ROOM_SID = /^RM[0-9a-f]{32}$/;

export interface RoomsAccess {
  readonly sids: readonly string[];
  readonly organizer: boolean;
}

const invalid = (message: string) => new DeviceError('AccessTokenGrantsInvalid', `grants.rooms: ${message}`);

/** The grant's access, or undefined when the token has no rooms grant. */
export function roomsGrant(claims: unknown): RoomsAccess | undefined {
  if (claims === undefined) return undefined;
  if (typeof claims !== 'object' || claims === null) throw invalid('must be an object');
  const { rooms, organizer } = claims as { rooms?: unknown; organizer?: unknown };
  if (!Array.isArray(rooms) || rooms.length === 0 || rooms.length > MAX_ROOMS)
    throw invalid(`rooms must name 1 to ${MAX_ROOMS} room SIDs`);
  const bad = rooms.find((sid) => typeof sid !== 'string' || !ROOM_SID.test(sid));
  if (bad !== undefined) throw invalid(`${JSON.stringify(bad)} is not a room SID`);
  if (organizer !== undefined && typeof organizer !== 'boolean') throw invalid('organizer must be true or false');
  return { sids: [...new Set(rooms as string[])], organizer: organizer === true };
}

/** Whether the token names the room (its events may be followed). */
export const mayFollow = (access: RoomsAccess | undefined, roomSid: string): boolean =>
  access?.sids.includes(roomSid) === true;

/** Whether the token may command the room's call as its organizer. */
export const mayCommand = (access: RoomsAccess | undefined, roomSid: string): boolean =>
  access?.organizer === true && mayFollow(access, roomSid);
