/**
 * /patchbay/v1/Rooms/{Sid}/Messages: the room's chat (docs/rooms.md, Chat). `POST` posts a
 * message (`Body`, `MediaUrl` repeated, `From` a member SID, `To` member SIDs repeated for a
 * private one) through the same module as the app and texts (rooms/chat/chat.ts); `GET` lists the
 * history newest first in v1 pages, filtered by `Member` (that member's view: messages to
 * everyone and private ones to or from them), `From` and `Source`; `GET .../{MessageSid}` one.
 */
import type { RoomChat } from '../../../rooms/chat/chat.js';
import type { RoomMessageRecord } from '../../../rooms/chat/records.js';
import { CHAT_LIMITS } from '../../../rooms/chat/records.js';
import type { RoomRecord } from '../../../rooms/records.js';
import type { FilterValue } from '../../../store/types.js';
import { type Form, field, fields, invalid, notFound } from '../../http.js';
import { pageOf, pageRequest } from '../../paging.js';
import type { Resource, ResourceContext } from '../context.js';
import { allOf } from '../sip/common.js';
import { isoDate, v1Page } from '../voice-v1/paging.js';
import { V1 } from './json.js';

const PATH = /^Rooms\/(RM[0-9a-f]{32})\/Messages(?:\/(RT[0-9a-f]{32}))?$/;
const MEMBER = /^MB[0-9a-f]{32}$/;
const SOURCES = ['api', 'app', 'sms'] as const;
const FILTERS = ['Member', 'From', 'Source'] as const;

export function roomMessageJson(message: RoomMessageRecord, base: string) {
  return {
    sid: message.sid,
    account_sid: message.accountSid,
    room_sid: message.roomSid,
    from: message.from ?? null,
    author: message.author,
    body: message.body,
    media_urls: message.mediaUrls,
    to: message.to ?? null,
    source: message.source,
    sequence_number: message.sequence ?? null,
    date_created: isoDate(message.createdAt),
    url: `${base}${V1}/Rooms/${message.roomSid}/Messages/${message.sid}`,
  };
}

function memberField(value: string | null, name: string): string | undefined {
  if (value === null) return undefined;
  if (!MEMBER.test(value)) throw invalid(21200, name, `"${value}" is not a member SID`);
  return value;
}

function post(chat: RoomChat, room: RoomRecord, form: Form) {
  const mediaUrls = fields(form, 'MediaUrl');
  const to = fields(form, 'To');
  const from = memberField(field(form, 'From') ?? null, 'From');
  return chat.post(room, {
    body: field(form, 'Body') ?? '',
    mediaUrls,
    ...(to.length > 0 ? { to } : {}),
    ...(from ? { from } : {}),
    source: 'api',
  });
}

async function list(context: ResourceContext, room: RoomRecord) {
  const { query, store, account, publicUrl } = context;
  const request = pageRequest(query);
  const where: Record<string, FilterValue> = { roomSid: room.sid };
  const from = memberField(query.get('From'), 'From');
  if (from) where.from = from;
  const source = query.get('Source');
  if (source !== null) {
    if (!(SOURCES as readonly string[]).includes(source))
      throw invalid(21200, 'Source', `must be one of ${SOURCES.join(', ')}, not "${source}"`);
    where.source = source;
  }
  const member = memberField(query.get('Member'), 'Member');
  // A member's view leaves out private messages neither to nor from them: filtered here, over
  // the room's history (at most CHAT_LIMITS.keptPerRoom messages).
  const page = member
    ? pageOf(
        (await allOf<RoomMessageRecord>(store, 'room-message', account.sid, where, CHAT_LIMITS.keptPerRoom)).filter(
          (m) => !m.to || m.from === member || m.to.includes(member),
        ),
        request,
      )
    : await store.list<RoomMessageRecord>('room-message', { accountSid: account.sid, where, ...request });
  const given = FILTERS.flatMap((name) => {
    const value = query.get(name);
    return value === null ? [] : [[name, value] as const];
  });
  const url = `${publicUrl}${V1}/Rooms/${room.sid}/Messages`;
  return v1Page('messages', url, request, page, (m) => roomMessageJson(m, publicUrl), Object.fromEntries(given));
}

export const roomMessagesResource =
  (chat: RoomChat | undefined): Resource =>
  async (context) => {
    const match = PATH.exec(context.rest);
    if (!match || !chat) return undefined;
    const [, roomSid = '', messageSid] = match;
    const { store, account, method, publicUrl } = context;
    const room = await store.get<RoomRecord>('room', account.sid, roomSid);
    if (!room) throw notFound(roomSid);
    if (messageSid) {
      if (method !== 'GET') return undefined;
      const message = await store.get<RoomMessageRecord>('room-message', account.sid, messageSid);
      if (!message || message.roomSid !== roomSid) throw notFound(messageSid);
      return { status: 200, body: roomMessageJson(message, publicUrl) };
    }
    if (method === 'GET') return { status: 200, body: await list(context, room) };
    if (method !== 'POST') return undefined;
    const message = await post(chat, room, await context.form());
    return { status: 201, body: roomMessageJson(message, publicUrl) };
  };
