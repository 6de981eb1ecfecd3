/**
 * The rooms grant of an access token: which rooms the holder may follow on the device channel
 * (their commands and events), and whether it may act as their organizer (start, add, remove,
 * mute, end). Least privilege: the rooms are named one by one; without `organizer` the holder
 * only follows them. (A member's own identity follows its rooms without naming them here.)
 *
 * @example
 * token.addGrant(new RoomsGrant({ rooms: [room.sid], organizer: true }));
 */

/** Rooms one token may name. */
export const MAX_GRANT_ROOMS = 100;

const ROOM_SID = /^RM[0-9a-f]{32}$/;

export interface RoomsGrantOptions {
  /** The room SIDs (`RM...`), at most 100. */
  readonly rooms: readonly string[];
  /** May command these rooms' calls, as their organizer. @default false */
  readonly organizer?: boolean;
}

export class RoomsGrant {
  readonly key = 'rooms';

  constructor(readonly options: RoomsGrantOptions) {
    const { rooms } = options;
    if (!Array.isArray(rooms) || rooms.length === 0 || rooms.length > MAX_GRANT_ROOMS)
      throw new RangeError(`rooms must name 1 to ${MAX_GRANT_ROOMS} rooms`);
    const bad = rooms.find((sid) => !ROOM_SID.test(sid));
    if (bad !== undefined) throw new TypeError(`rooms: "${bad}" is not a room SID (RM...)`);
  }

  toPayload(): Record<string, unknown> {
    return { rooms: [...new Set(this.options.rooms)], organizer: this.options.organizer === true };
  }
}
