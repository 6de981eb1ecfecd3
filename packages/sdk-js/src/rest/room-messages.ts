/**
 * A room's chat in the REST client (`/patchbay/v1/Rooms/{Sid}/Messages`, docs/rooms.md, Chat):
 * post a message (as a member, or as the organizer/account when `from` is left out; privately to
 * `to`), list the history newest first (a member's view with `member`), fetch one. RestErrors
 * carry the API's codes (91107 the policy, 91160 an invalid message, 91161 not a member, 91162
 * the room's rate).
 *
 * @example
 * const chat = client.rooms.messages(room.sid);
 * await chat.create({ body: 'Running late', from: ann.sid });
 * for (const m of await client.rooms.messages(room.sid, { member: bob.sid }).list({ limit: 20 })) console.log(m.body);
 */
import type { Http, ParamValue } from './http.js';
import { v1Listing } from './rooms.js';

export interface RoomMessageParams {
  body?: string;
  /** http(s) URLs, passed on as MMS to phone members (at most 10). */
  mediaUrls?: readonly string[];
  /** The member writing (SID). @default the room's organizer, else the account */
  from?: string;
  /** A private message to these members (SIDs). @default everyone */
  to?: readonly string[];
}

export interface RoomMessageInstance {
  sid: string;
  accountSid: string;
  roomSid: string;
  /** The member who wrote it; null: the account. */
  from: string | null;
  author: string;
  body: string;
  mediaUrls: string[];
  /** A private message's recipients; null: everyone. */
  to: string[] | null;
  source: 'api' | 'app' | 'sms';
  /** Its sequence number in the room's log (`message` entry). */
  sequenceNumber: number | null;
  dateCreated: Date;
  url: string;
}

export interface RoomMessageFilters {
  /** This member's view: messages to everyone, and private ones to or from them. */
  member?: string;
  /** Only messages from this member. */
  from?: string;
  source?: 'api' | 'app' | 'sms';
}

export type RoomMessagesClient = ReturnType<typeof roomMessagesClient>;

export function roomMessagesClient(http: Http, path: string, filters: RoomMessageFilters = {}) {
  return {
    /** The history, newest first: `list`, `each`, `page`, with the filters given. */
    ...v1Listing<RoomMessageInstance>(http, path, 'messages', filters as Record<string, ParamValue>),
    create: (params: RoomMessageParams) =>
      http.request<RoomMessageInstance>('POST', path, {
        body: params.body,
        from: params.from,
        to: params.to,
        mediaUrl: params.mediaUrls,
      }),
    get: (sid: string) => http.request<RoomMessageInstance>('GET', `${path}/${sid}`),
  };
}

/** A member's phone verification (`.../Members/{Sid}/Verification`). */
export interface RoomVerificationInstance {
  sid: string;
  accountSid: string;
  roomSid: string;
  memberSid: string;
  phoneNumber: string;
  status: 'pending' | 'approved' | 'expired' | 'max-attempts';
  attemptsLeft: number;
  /** Texts the member sent before verifying, held until the code is right. */
  heldMessages: number;
  dateExpires: Date;
  dateCreated: Date;
  dateUpdated: Date;
  url: string;
}

export function roomVerificationClient(http: Http, path: string) {
  return {
    /** Texts a code to the number (`phoneNumber`, else the one they are texted on). RestError 91174 past 5 an hour. */
    send: (params: { phoneNumber?: string } = {}) => http.request<RoomVerificationInstance>('POST', path, params),
    /** Checks the code: `approved`, or RestError 91171 wrong, 91172 none pending or expired, 91173 too many attempts. */
    check: (code: string, params: { phoneNumber?: string } = {}) =>
      http.request<RoomVerificationInstance>('POST', path, { ...params, code }),
    get: (params: { phoneNumber?: string } = {}) => http.request<RoomVerificationInstance>('GET', path, params),
  };
}
