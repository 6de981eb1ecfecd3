/**
 * GET /patchbay/v1/Rooms/{Sid}/Events: the room's audit log (rooms/call/audit.ts), newest first,
 * in v1 pages: every command on its call (with its outcome) and every event. Filters: `Kind`
 * (command or event), `Type` (start, mute, member-updated, ...), `ParticipantKey`, and `After`
 * (only entries with a greater `sequence_number`: what a client that saw up to `After` missed).
 */
import type { RoomAudit, RoomEventRecord } from '../../../rooms/call/audit.js';
import type { RoomRecord } from '../../../rooms/records.js';
import type { FilterValue } from '../../../store/types.js';
import { invalid, notFound } from '../../http.js';
import { pageRequest } from '../../paging.js';
import type { Resource } from '../context.js';
import { isoDate, v1Page } from '../voice-v1/paging.js';
import { V1 } from './json.js';

const FILTERS = ['Kind', 'Type', 'ParticipantKey', 'After'] as const;
const PATH = /^Rooms\/(RM[0-9a-f]{32})\/Events$/;

export function roomEventJson(entry: RoomEventRecord) {
  return {
    sid: entry.sid,
    account_sid: entry.accountSid,
    room_sid: entry.roomSid,
    sequence_number: entry.sequence,
    kind: entry.kind,
    type: entry.type,
    room_call_sid: entry.roomCallSid ?? null,
    participant_key: entry.participantKey ?? null,
    member_sid: entry.memberSid ?? null,
    call_sid: entry.callSid ?? null,
    members: entry.members ?? null,
    state: entry.state ?? null,
    muted: entry.muted ?? null,
    reason: entry.reason ?? null,
    outcome: entry.outcome ?? null,
    error_code: entry.errorCode ?? null,
    source: entry.source ?? null,
    change: entry.change ?? null,
    fields: entry.fields ?? null,
    error_message: entry.errorMessage ?? null,
    message_sid: entry.messageSid ?? null,
    schedule_sid: entry.scheduleSid ?? null,
    date_created: isoDate(entry.createdAt),
  };
}

function filters(query: URLSearchParams): {
  where: Record<string, FilterValue>;
  ranges: Record<string, { min: number }>;
} {
  const where: Record<string, FilterValue> = {};
  const kind = query.get('Kind');
  if (kind !== null) {
    if (kind !== 'command' && kind !== 'event') throw invalid(21200, 'Kind', `must be command or event, not "${kind}"`);
    where.kind = kind;
  }
  const type = query.get('Type');
  if (type !== null) {
    if (!/^[a-z-]{1,32}$/.test(type)) throw invalid(21200, 'Type', `"${type}" is not a command or event type`);
    where.type = type;
  }
  const key = query.get('ParticipantKey');
  if (key !== null) {
    if (!/^(MB|CA)[0-9a-f]{32}$/.test(key))
      throw invalid(21200, 'ParticipantKey', `"${key}" is not a member or call SID`);
    where.participantKey = key;
  }
  const after = query.get('After');
  if (after === null) return { where, ranges: {} };
  if (!/^\d{1,15}$/.test(after)) throw invalid(21200, 'After', `must be a sequence number, not "${after}"`);
  return { where, ranges: { sequence: { min: Number(after) + 1 } } };
}

export const roomEventsResource =
  (audit: RoomAudit | undefined): Resource =>
  async (context) => {
    const match = PATH.exec(context.rest);
    if (!match || context.method !== 'GET') return undefined;
    const [, roomSid = ''] = match;
    const room = await context.store.get<RoomRecord>('room', context.account.sid, roomSid);
    if (!room) throw notFound(roomSid);
    const request = pageRequest(context.query);
    // Entries being appended as the request came are part of the answer.
    await audit?.flush(roomSid);
    const { where, ranges } = filters(context.query);
    const page = await context.store.list<RoomEventRecord>('room-event', {
      accountSid: context.account.sid,
      where: { ...where, roomSid },
      ranges,
      ...request,
    });
    const url = `${context.publicUrl}${V1}/Rooms/${roomSid}/Events`;
    const given = FILTERS.flatMap((name) => {
      const value = context.query.get(name);
      return value === null ? [] : [[name, value] as const];
    });
    return { status: 200, body: v1Page('events', url, request, page, roomEventJson, Object.fromEntries(given)) };
  };
