/**
 * /2010-04-01/Accounts/{AccountSid}/Conferences: list (Status, FriendlyName filters), fetch,
 * update (Status=completed ends the room, AnnounceUrl plays to everyone), and the room's
 * Participants: create (dials out and joins the answer to the room), list (Muted, Hold, Coaching
 * filters), fetch, update (Muted, Hold, HoldUrl, AnnounceUrl, EndConferenceOnExit) and delete
 * (kick). A participant is addressed by its CallSid or its label.
 *
 * Rooms are read from the runtime while live and from the store afterwards, so lists and
 * fetches survive a restart. Participants exist only while they are in a live room.
 */
import { CONFERENCE_EVENTS } from '@patchbay/markup';
import { forwardByName, forwardToHolder } from '../../cluster/conference-control.js';
import type { ConferenceEvent, ConferenceSnapshot } from '../../conference/conference.js';
import { callAccount } from '../auth.js';
import {
  absoluteUrl,
  apiDate,
  bool,
  type Form,
  field,
  fields,
  httpMethod,
  invalid,
  notFound,
  RestError,
} from '../http.js';
import { filtersFrom, pageBody, pageRequest } from '../paging.js';
import { checkCallerId } from '../routing.js';
import { restError } from './calls.js';
import type { Resource, ResourceContext, ResourceResult } from './context.js';

type ParticipantSnapshot = ConferenceSnapshot['participants'][number];

const STATUSES = new Set(['init', 'in-progress', 'completed']);
const PARTICIPANT_EVENTS = new Set(['initiated', 'ringing', 'answered', 'completed']);

export function conferenceJson(room: ConferenceSnapshot & { updatedAt?: number }) {
  const base = `/2010-04-01/Accounts/${room.accountSid}/Conferences/${room.sid}`;
  return {
    sid: room.sid,
    account_sid: room.accountSid,
    friendly_name: room.friendlyName,
    status: room.status,
    region: 'local',
    api_version: '2010-04-01',
    date_created: apiDate(room.createdAt),
    date_updated: apiDate(room.endedAt ?? room.updatedAt ?? room.startedAt ?? room.createdAt),
    reason_conference_ended: room.reasonEnded ?? null,
    call_sid_ending_conference: room.callSidEndingConference ?? null,
    uri: `${base}.json`,
    subresource_uris: {
      participants: `${base}/Participants.json`,
      recordings: `${base}/Recordings.json`,
    },
  };
}

export function participantJson(
  room: Pick<ConferenceSnapshot, 'sid' | 'accountSid'>,
  p: Omit<ParticipantSnapshot, 'joinedAt'> & { joinedAt?: number; status?: string },
) {
  return {
    account_sid: room.accountSid,
    call_sid: p.callSid,
    conference_sid: room.sid,
    label: p.label ?? null,
    call_sid_to_coach: p.coach ?? null,
    coaching: p.coaching,
    muted: p.muted,
    hold: p.hold,
    start_conference_on_enter: p.startConferenceOnEnter,
    end_conference_on_exit: p.endConferenceOnExit,
    status: p.status ?? 'connected',
    queue_time: null,
    date_created: apiDate(p.joinedAt),
    date_updated: apiDate(p.joinedAt),
    uri: `/2010-04-01/Accounts/${room.accountSid}/Conferences/${room.sid}/Participants/${p.callSid}.json`,
  };
}

const CONFERENCE_EVENT_NAMES: ReadonlySet<string> = new Set(CONFERENCE_EVENTS);
const BY_NAME = /^Conferences\/((?!CF[0-9a-f]{32}\/)[^/]+)\/Participants\.json$/;
const ROOM = /^Conferences\/(CF[0-9a-f]{32})(?:\.json|\/Participants\.json|\/Participants\/([^/]+)\.json)$/;

export const conferencesResource: Resource = async (context) => {
  const { runtime, store, account, rest, query } = context;
  const path = `/2010-04-01/Accounts/${account.sid}/Conferences.json`;
  if (rest === 'Conferences.json') {
    if (context.method !== 'GET') return undefined;
    const request = pageRequest(query);
    const where = filtersFrom(query, ['Status', 'FriendlyName']);
    if (where.status !== undefined && !STATUSES.has(where.status))
      throw invalid(21200, 'Status', 'must be init, in-progress or completed');
    const page = await store.list<ConferenceSnapshot & { updatedAt?: number }>('conference', {
      accountSid: account.sid,
      where,
      ...request,
    });
    return { status: 200, body: pageBody('conferences', path, query, request, page, conferenceJson) };
  }

  const byName = BY_NAME.exec(rest);
  if (byName && context.method === 'POST') return addByName(context, byName[1] as string);
  const match = ROOM.exec(rest);
  if (!match) return undefined;
  const sid = match[1] as string;
  const live = runtime.conferences.get(sid, account.sid);
  // A live room another node holds: that node answers (cluster/conference-control.ts).
  const forwarded = live ? undefined : await forwardToHolder(context, sid);
  if (forwarded) return forwarded;
  const room = live ?? (await store.get<ConferenceSnapshot>('conference', account.sid, sid));
  if (!room) throw notFound(sid);

  if (rest.endsWith(`${sid}.json`)) {
    if (context.method === 'GET') return { status: 200, body: conferenceJson(room) };
    if (context.method !== 'POST') return undefined;
    const form = await context.form();
    const status = field(form, 'Status');
    if (status !== undefined && status !== 'completed') throw invalid(21200, 'Status', 'must be completed');
    const announceUrl = absoluteUrl(form, 'AnnounceUrl', 21205);
    if (room.status === 'completed') {
      if (status === undefined && announceUrl === undefined) return { status: 200, body: conferenceJson(room) };
      throw new RestError(400, 21220, `conference ${sid} has ended`);
    }
    if (announceUrl !== undefined) {
      // Plays in the background; the request answers at once, as on the hosted API.
      void guarded(() => runtime.conferences.announce(sid, { url: announceUrl })).catch(() => undefined);
    }
    const after = status === 'completed' ? await guarded(() => runtime.conferences.end(sid)) : room;
    return { status: 200, body: conferenceJson(after) };
  }

  // Participants
  const participantsPath = `/2010-04-01/Accounts/${account.sid}/Conferences/${sid}/Participants.json`;
  const current = live?.participants ?? [];
  const one = match[2];
  if (one === undefined) {
    if (context.method === 'GET') {
      const request = pageRequest(query);
      const filters = (['Muted', 'Hold', 'Coaching'] as const).flatMap((name) => {
        const value = query.get(name);
        return value === null ? [] : [[name.toLowerCase(), value === 'true'] as const];
      });
      const matching = current.filter((p) =>
        filters.every(([key, value]) => p[key as 'muted' | 'hold' | 'coaching'] === value),
      );
      const start = request.page * request.pageSize;
      const page = {
        items: matching.slice(start, start + request.pageSize),
        more: matching.length > start + request.pageSize,
      };
      return {
        status: 200,
        body: pageBody('participants', participantsPath, query, request, page, (p) => participantJson(room, p)),
      };
    }
    if (context.method !== 'POST') return undefined;
    if (!live || live.status === 'completed') throw new RestError(400, 21220, `conference ${sid} has ended`);
    return addParticipant(context, live, await context.form());
  }

  const participant = current.find((p) => p.callSid === one || p.label === one);
  if (!participant) throw notFound(one);
  const callSid = participant.callSid;
  if (context.method === 'GET') return { status: 200, body: participantJson(room, participant) };
  if (context.method === 'DELETE') {
    await guarded(() => runtime.conferences.participants.kick(sid, callSid));
    return { status: 204 };
  }
  if (context.method !== 'POST') return undefined;
  const form = await context.form();
  const update = {
    muted: bool(form, 'Muted'),
    hold: bool(form, 'Hold'),
    holdUrl: absoluteUrl(form, 'HoldUrl', 21205),
    announceUrl: absoluteUrl(form, 'AnnounceUrl', 21205),
    endConferenceOnExit: bool(form, 'EndConferenceOnExit'),
  };
  const { announceUrl, ...immediate } = update;
  const defined = Object.fromEntries(Object.entries(immediate).filter(([, value]) => value !== undefined));
  const after = await guarded(() => runtime.conferences.participants.update(sid, callSid, defined));
  if (announceUrl !== undefined) {
    void guarded(() => runtime.conferences.participants.update(sid, callSid, { announceUrl })).catch(() => undefined);
  }
  const updated = after.participants.find((p) => p.callSid === callSid) ?? participant;
  return { status: 200, body: participantJson(room, updated) };
};

/** Participants create: dials `To` from `From` and joins the answer to `room`. */
async function addParticipant(
  context: ResourceContext,
  room: ConferenceSnapshot,
  form: Form,
): Promise<{ status: number; body: ReturnType<typeof participantJson> }> {
  const to = field(form, 'To');
  const from = field(form, 'From');
  if (!to) throw invalid(21201, 'To', "no 'To' number is specified");
  if (!from) throw invalid(21213, 'From', "the 'From' phone number is required");
  await checkCallerId(context.store, context.account.sid, 'From', from, 21210);
  const coaching = bool(form, 'Coaching');
  const coach = field(form, 'CallSidToCoach');
  if (coaching && !coach) throw invalid(21200, 'CallSidToCoach', 'is required when Coaching is true');
  if (coach !== undefined && !room.participants.some((p) => p.callSid === coach))
    throw invalid(21200, 'CallSidToCoach', `${coach} is not in the conference`);
  const timeoutText = field(form, 'Timeout');
  const timeout = timeoutText === undefined ? undefined : Number(timeoutText);
  if (timeout !== undefined && !(Number.isInteger(timeout) && timeout >= 5 && timeout <= 600))
    throw invalid(21200, 'Timeout', 'must be a whole number of seconds from 5 to 600');
  for (const event of fields(form, 'StatusCallbackEvent').flatMap((v) => v.split(/[\s,]+/).filter(Boolean)))
    if (!PARTICIPANT_EVENTS.has(event)) throw invalid(21200, 'StatusCallbackEvent', `unknown event "${event}"`);
  const beepText = field(form, 'Beep');
  const beep = beepText === 'onEnter' || beepText === 'onExit' ? beepText : bool(form, 'Beep');
  const options = {
    muted: bool(form, 'Muted'),
    beep,
    startConferenceOnEnter: bool(form, 'StartConferenceOnEnter'),
    endConferenceOnExit: bool(form, 'EndConferenceOnExit'),
    label: field(form, 'Label'),
    coach: coaching === false ? undefined : coach,
    timeout,
    statusCallback: absoluteUrl(form, 'StatusCallback', 21609),
  };
  const defined = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
  const call = await guarded(() => context.runtime.conferences.participants.add(room.sid, { to, from, ...defined }));
  return {
    status: 201,
    body: participantJson(room, {
      callSid: call.sid,
      muted: options.muted ?? false,
      hold: false,
      coaching: options.coach !== undefined,
      ...(options.coach === undefined ? {} : { coach: options.coach }),
      ...(options.label === undefined ? {} : { label: options.label }),
      startConferenceOnEnter: options.startConferenceOnEnter ?? true,
      endConferenceOnExit: options.endConferenceOnExit ?? false,
      joinedAt: context.now,
      status: 'queued',
    }),
  };
}

async function guarded<T>(action: () => Promise<T> | T): Promise<T> {
  try {
    return await action();
  } catch (error) {
    throw restError(error);
  }
}

/**
 * `POST /Conferences/{FriendlyName}/Participants.json`: the room of that name (made, waiting, when
 * nobody has dialed in yet, with `ConferenceStatusCallback`, `ConferenceStatusCallbackMethod`,
 * `ConferenceStatusCallbackEvent`), then a participant dialed into it. A room made here that
 * nobody joins is ended when the call does.
 */
async function addByName(context: ResourceContext, encoded: string): Promise<ResourceResult> {
  let name: string;
  try {
    name = decodeURIComponent(encoded).trim();
  } catch {
    throw invalid(21200, 'FriendlyName', 'is not a valid URL-encoded name');
  }
  if (name === '' || name.length > 128) throw invalid(21200, 'FriendlyName', 'must be 1 to 128 characters');
  // In a cluster, the node holding the room of that name adds the participant.
  const forwarded = await forwardByName(context, name);
  if (forwarded) return forwarded;
  const form = await context.form();
  const url = absoluteUrl(form, 'ConferenceStatusCallback', 21609);
  const events = fields(form, 'ConferenceStatusCallbackEvent').flatMap((v) => v.split(/[\s,]+/).filter(Boolean));
  for (const event of events)
    if (!CONFERENCE_EVENT_NAMES.has(event))
      throw invalid(21200, 'ConferenceStatusCallbackEvent', `unknown event "${event}"`);
  const { account, runtime } = context;
  const { room, created } = runtime.conferences.open(
    callAccount(account),
    name,
    url === undefined
      ? undefined
      : {
          url,
          method: httpMethod(form, 'ConferenceStatusCallbackMethod') ?? 'POST',
          events: events as ConferenceEvent[],
        },
  );
  let result: ResourceResult & { body: ReturnType<typeof participantJson> };
  try {
    result = await addParticipant(context, room, form);
  } catch (error) {
    if (created) runtime.conferences.end(room.sid);
    throw error;
  }
  if (created) {
    void runtime.calls.ended(result.body.call_sid).then(() => {
      const now = runtime.conferences.get(room.sid);
      if (now && now.status !== 'completed' && now.participants.length === 0) runtime.conferences.end(room.sid);
    });
  }
  return result;
}
