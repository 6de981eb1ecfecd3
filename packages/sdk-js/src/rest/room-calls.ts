/**
 * A room's call in the REST client (`/patchbay/v1/Rooms/{Sid}/Call`, docs/rooms.md): start it
 * (some members or all, the organizer's phone first), read the live roster, ring more members,
 * mute, unmute or remove one, end it. RestErrors carry the API's codes (91109 a call is already
 * in progress, 91110 none is, 91111 not in the call, 91112 nobody to ring).
 *
 * @example
 * const call = client.rooms.call(room.sid);
 * await call.start({ all: true, organizerPhone: true });
 * for (const p of (await call.get()).participants) console.log(p.displayName, p.state);
 * await call.end();
 */
import type { Http, ParamValue } from './http.js';
import type { PhoneType } from './rooms.js';

/** Where one person is in the call. */
export type RoomCallState =
  | 'waiting'
  | 'ringing'
  | 'busy'
  | 'no-answer'
  | 'declined'
  | 'failed'
  | 'joined'
  | 'left'
  | 'opted-out';

export type RoomCallEndReason =
  | 'ended-by-request'
  | 'organizer-left'
  | 'organizer-unreachable'
  | 'inactivity'
  | 'max-duration'
  | 'empty'
  /** The bridge failed under it: `errorCode` 91180 (its conference ended) or 91181 (its legs refused). */
  | 'fatal-error'
  /** The server stopped while it ran. */
  | 'server-restart';

export interface RoomCallParticipant {
  /** The member SID, or a non-member's call SID: what the participant commands take. */
  key: string;
  memberSid: string | null;
  callSid: string | null;
  displayName: string | null;
  /** The number rung or dialed in from, or `client:<identity>`. */
  address: string;
  role: 'organizer' | 'member' | 'guest';
  state: RoomCallState;
  muted: boolean;
  dateJoined: Date | null;
  dateLeft: Date | null;
}

export interface RoomCallInstance {
  sid: string;
  accountSid: string;
  roomSid: string;
  status: 'in-progress' | 'completed';
  conferenceSid: string | null;
  /** The participant key whose leaving ends the call (when the room says so). */
  organizer: string | null;
  dateStarted: Date;
  dateEnded: Date | null;
  endReason: RoomCallEndReason | null;
  /** With `fatal-error`: what failed. */
  errorCode: number | null;
  errorMessage: string | null;
  participants: RoomCallParticipant[];
  url: string;
}

export interface StartRoomCall {
  /** These members (the organizer is always rung too)... */
  members?: readonly string[];
  /** ...or every member. */
  all?: boolean;
  /** Ring the organizer's phone first and the others once the organizer answered. */
  organizerPhone?: boolean;
  /** Which number to ring, per member SID, for this call. */
  ringPhone?: Readonly<Record<string, PhoneType>>;
}

const ringPhones = (choice: Readonly<Record<string, PhoneType>> | undefined) =>
  choice && Object.entries(choice).map(([sid, type]) => `${sid}:${type}`);

export type RoomCallClient = ReturnType<typeof roomCallClient>;

export function roomCallClient(http: Http, path: string) {
  const post = (at: string, params: Readonly<Record<string, ParamValue>>) =>
    http.request<RoomCallInstance>('POST', at, params);
  return {
    /** Rings everyone selected at once (RestError 91109 while a call runs). */
    start: (params: StartRoomCall) =>
      post(path, {
        members: params.members,
        all: params.all,
        organizerPhone: params.organizerPhone,
        ringPhone: ringPhones(params.ringPhone),
      }),
    /** The live roster, or the last call's (RestError 91110 when the room never had one). */
    get: () => http.request<RoomCallInstance>('GET', path),
    /** Disconnects everyone (the organizer last) and ends the call. */
    end: () => post(path, { status: 'completed' }),
    /** Rings more members into the running call now. */
    add: (members: readonly string[], ringPhone?: Readonly<Record<string, PhoneType>>) =>
      post(`${path}/Participants`, { members, ringPhone: ringPhones(ringPhone) }),
    mute: (key: string) => post(`${path}/Participants/${key}`, { muted: true }),
    unmute: (key: string) => post(`${path}/Participants/${key}`, { muted: false }),
    /** Stops ringing them, or takes them out of the conference. */
    remove: (key: string) => http.request<RoomCallInstance>('DELETE', `${path}/Participants/${key}`),
  };
}
