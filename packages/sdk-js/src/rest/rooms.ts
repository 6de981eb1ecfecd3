/**
 * The rooms API (`/patchbay/v1`, docs/rooms.md) in the REST client: rooms with their own number,
 * their members, the operator's directory and the account's room policy. Same conventions as the
 * rest of the client: camelCase parameters and properties, dates as `Date`, `RestError`s with
 * the API's code (91101 no free number, 91103 member limit, ...).
 *
 * @example
 * const room = await client.rooms.create({ friendlyName: 'Family' });
 * await client.rooms.members(room.sid).create({ firstName: 'Ann', phoneNumber: '+15550100101' });
 * for await (const member of client.rooms.members(room.sid).each()) console.log(member.displayName, member.presence);
 */
import type { Http, ParamValue } from './http.js';
import { collect, itemsOf } from './pages.js';
import { type RoomCallInstance, roomCallClient } from './room-calls.js';
import { type RoomMessageFilters, roomMessagesClient, roomVerificationClient } from './room-messages.js';
import { roomSchedulesClient } from './room-schedules.js';

type Params = Readonly<Record<string, ParamValue>>;
export type PhoneType = 'mobile' | 'work' | 'home' | 'other';
export type NonMemberPolicy = 'join-in-progress' | 'admit-and-ring' | 'admit';

export interface RoomParams {
  friendlyName?: string;
  avatarUrl?: string;
  memberLimit?: number;
  endWhenOrganizerLeaves?: boolean;
  /** Seconds one person may be left alone before the call ends. */
  inactivityTimeout?: number;
  /** Seconds a call may last. */
  maxDuration?: number;
  membersMayStart?: boolean;
  nonMembers?: NonMemberPolicy;
  membersMaySchedule?: boolean;
  statusCallback?: string;
  statusCallbackMethod?: 'GET' | 'POST';
}

export interface RoomInstance extends Required<Omit<RoomParams, 'avatarUrl' | 'statusCallback'>> {
  sid: string;
  accountSid: string;
  avatarUrl: string | null;
  statusCallback: string | null;
  phoneNumber: string;
  phoneNumberSid: string;
  dateCreated: Date;
  dateUpdated: Date;
  url: string;
  /** Whether the room's call runs now. */
  callInProgress: boolean;
  links: { members: string; call: string; calls: string };
}

export interface ContactParams {
  firstName?: string;
  lastName?: string;
  avatarUrl?: string;
  identity?: string;
  /** The mobile number unless `phoneNumberType` says otherwise. */
  phoneNumber?: string;
  phoneNumberType?: PhoneType;
  mobileNumber?: string;
  workNumber?: string;
  homeNumber?: string;
  otherNumber?: string;
}

export interface MemberParams extends ContactParams {
  role?: 'organizer' | 'member';
  ringPhone?: PhoneType;
  directoryEntrySid?: string;
}

export interface ContactInstance {
  sid: string;
  accountSid: string;
  firstName: string | null;
  lastName: string | null;
  displayName: string;
  avatarUrl: string | null;
  identity: string | null;
  phoneNumbers: { type: PhoneType; number: string }[];
  dateCreated: Date;
  dateUpdated: Date;
  url: string;
}

export interface RoomMemberInstance extends ContactInstance {
  roomSid: string;
  ringPhone: PhoneType | null;
  role: 'organizer' | 'member';
  optedOut: boolean;
  directoryEntrySid: string | null;
  /** Their numbers proven by a code: they may chat by text from them. */
  verifiedNumbers: string[];
  /** Whether an app of theirs is online; null for members without an identity. */
  presence: 'online' | 'offline' | null;
  reachableBy: ('app' | 'phone')[];
}

export type DirectoryEntryInstance = ContactInstance;

export interface RoomPolicyParams {
  membersMayChat?: boolean;
  membersMaySendMedia?: boolean;
  membersMayChangeAvatar?: boolean;
  contactsFromDirectoryOnly?: boolean;
  /** `{organizer}`, `{room}` and `{number}` are filled in. */
  memberAddedTemplate?: string;
}

export interface RoomPolicyInstance extends Required<RoomPolicyParams> {
  accountSid: string;
  dateUpdated: Date | null;
  url: string;
}

/** One entry of a room's audit log (`GET /patchbay/v1/Rooms/{Sid}/Events`). */
export interface RoomEventInstance {
  sid: string;
  accountSid: string;
  roomSid: string;
  /** 1, 2, 3... per room, in the order things happened. */
  sequenceNumber: number;
  kind: 'command' | 'event';
  /** start, add, remove, mute, unmute, end, leave-call, leave-room; call-started, member-updated, call-ended, member-added, room-updated, message. */
  type: string;
  roomCallSid: string | null;
  participantKey: string | null;
  memberSid: string | null;
  callSid: string | null;
  members: string[] | null;
  state: string | null;
  muted: boolean | null;
  reason: string | null;
  outcome: 'pending' | 'accepted' | 'refused' | null;
  errorCode: number | null;
  source: 'api' | 'channel' | null;
  /** room-updated: settings, member-removed or member-changed, and the fields changed. */
  change: string | null;
  fields: string[] | null;
  /** call-ended with reason fatal-error: what failed. */
  errorMessage: string | null;
  /** `message` entries: the room message (its text is in the chat's history). */
  messageSid: string | null;
  dateCreated: Date;
}

export interface RoomEventFilters {
  kind?: 'command' | 'event';
  type?: string;
  participantKey?: string;
  /** Only entries after this sequence number. */
  after?: number;
}

export interface V1Page<T> {
  readonly items: T[];
  nextPage(): Promise<V1Page<T>> | undefined;
}

/** The v1 APIs' lists: `{ <key>: [...], meta: { next_page_url } }`, followed page after page. */
export function v1Listing<T>(http: Http, path: string, key: string, filters: Params = {}) {
  const toPage = (body: Record<string, unknown>): V1Page<T> => {
    const next = (body.meta as { nextPageUrl?: string | null } | undefined)?.nextPageUrl;
    return {
      items: (body[key] ?? []) as T[],
      nextPage: () => {
        if (!next) return undefined;
        const url = new URL(next);
        return http.request<Record<string, unknown>>('GET', url.pathname + url.search).then(toPage);
      },
    };
  };
  const page = async (params: { pageSize?: number; page?: number } = {}) =>
    toPage(await http.request<Record<string, unknown>>('GET', path, { ...filters, ...params }));
  async function* each(params: { pageSize?: number; limit?: number } = {}): AsyncIterable<T> {
    const { limit, ...query } = params;
    yield* itemsOf(await page(query), limit);
  }
  return {
    page,
    each,
    list: (params: { pageSize?: number; limit?: number } = {}): Promise<T[]> => collect(each(params)),
  };
}

const BASE = '/patchbay/v1';

function contacts<T, P extends object>(http: Http, path: string, key: string) {
  return {
    ...v1Listing<T>(http, path, key),
    /** Adds a contact; the same person twice is merged into the one already there. */
    create: (params: P) => http.request<T>('POST', path, params as unknown as Params),
    get: (sid: string) => http.request<T>('GET', `${path}/${sid}`),
    update: (sid: string, params: P) => http.request<T>('POST', `${path}/${sid}`, params as unknown as Params),
    remove: (sid: string) => http.request<void>('DELETE', `${path}/${sid}`),
  };
}

export type RoomsClient = ReturnType<typeof roomsClient>;

export function roomsClient(http: Http) {
  return {
    ...v1Listing<RoomInstance>(http, `${BASE}/Rooms`, 'rooms'),
    /** A room on a number of the account's that nothing else uses (RestError 91101 when none is free). */
    create: (params: RoomParams & { friendlyName: string }) =>
      http.request<RoomInstance>('POST', `${BASE}/Rooms`, params as unknown as Params),
    get: (sid: string) => http.request<RoomInstance>('GET', `${BASE}/Rooms/${sid}`),
    update: (sid: string, params: RoomParams) =>
      http.request<RoomInstance>('POST', `${BASE}/Rooms/${sid}`, params as unknown as Params),
    /** Its members go and its number is free again (RestError 91102 while its call runs). */
    remove: (sid: string) => http.request<void>('DELETE', `${BASE}/Rooms/${sid}`),
    /** The room's call: start, roster, controls, end. */
    call: (roomSid: string) => roomCallClient(http, `${BASE}/Rooms/${roomSid}/Call`),
    /** The room's calls as stored, newest first (`get(sid)` one of them): each with its final roster and end reason. */
    calls: (roomSid: string) => ({
      ...v1Listing<RoomCallInstance>(http, `${BASE}/Rooms/${roomSid}/Calls`, 'calls'),
      get: (sid: string) => http.request<RoomCallInstance>('GET', `${BASE}/Rooms/${roomSid}/Calls/${sid}`),
    }),
    /** The room's chat: post, history (newest first), one message. */
    messages: (roomSid: string, filters: RoomMessageFilters = {}) =>
      roomMessagesClient(http, `${BASE}/Rooms/${roomSid}/Messages`, filters),
    /** The room's scheduled calls. */
    schedules: (roomSid: string) => roomSchedulesClient(http, `${BASE}/Rooms/${roomSid}/Schedules`),
    /** The room's audit log, newest first: its call's commands (with their outcome) and events. */
    events: (roomSid: string, filters: RoomEventFilters = {}) =>
      v1Listing<RoomEventInstance>(http, `${BASE}/Rooms/${roomSid}/Events`, 'events', filters as Params),
    members: (roomSid: string) =>
      contacts<RoomMemberInstance, MemberParams>(http, `${BASE}/Rooms/${roomSid}/Members`, 'members'),
    /** A member's phone verification: `send` a code, `check` the code they got, `get` the state. */
    verification: (roomSid: string, memberSid: string) =>
      roomVerificationClient(http, `${BASE}/Rooms/${roomSid}/Members/${memberSid}/Verification`),
    /** The operator's contacts (for `contactsFromDirectoryOnly`). */
    directory: contacts<DirectoryEntryInstance, ContactParams>(http, `${BASE}/Directory`, 'entries'),
    policy: {
      get: () => http.request<RoomPolicyInstance>('GET', `${BASE}/RoomPolicy`),
      update: (params: RoomPolicyParams) =>
        http.request<RoomPolicyInstance>('POST', `${BASE}/RoomPolicy`, params as unknown as Params),
    },
  };
}
