/**
 * /2010-04-01/Accounts/{AccountSid}/Calls: create (Url, Twiml or ApplicationSid; Record, TimeLimit, CallerId, Method, FallbackUrl,
 * StatusCallback, StatusCallbackEvent repeated, Timeout, SendDigits), list (To, From, Status,
 * ParentCallSid filters, paging), fetch, update (Url/Twiml/Method to redirect a live call,
 * Status=completed|canceled, FallbackUrl and StatusCallback for the rest of the call) and delete, in the JSON shape of the 2010-04-01 API.
 */
import type { CallRecord } from '../../calls/call.js';
import { remoteOwner, updateRemoteCall } from '../../cluster/call-control.js';
import type { DocumentedCode } from '../../error-codes/index.js';
import { PatchbayError } from '../../errors.js';
import type { CallEvent } from '../../interpreter/types.js';
import type { CreateCallParams, UpdateCallParams } from '../../runtime.js';
import { type AccountRecord, callAccount } from '../auth.js';
import { deleteCallLog } from '../call-log.js';
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
import { filtersFrom, pageBody, pageRequest, timeRange } from '../paging.js';
import { checkCallerId } from '../routing.js';
import { type ApplicationRecord, applicationFor } from './applications.js';
import type { Resource } from './context.js';

const EVENTS = new Set(['initiated', 'ringing', 'answered', 'completed']);

export function callJson(call: CallRecord) {
  const base = `/2010-04-01/Accounts/${call.accountSid}/Calls/${call.sid}`;
  return {
    sid: call.sid,
    account_sid: call.accountSid,
    parent_call_sid: call.parentCallSid ?? null,
    api_version: '2010-04-01',
    direction: call.direction,
    from: call.from,
    from_formatted: call.from,
    to: call.to,
    to_formatted: call.to,
    status: call.status,
    date_created: apiDate(call.createdAt),
    date_updated: apiDate(call.updatedAt),
    start_time: apiDate(call.startedAt),
    end_time: apiDate(call.endedAt),
    duration: call.endedAt === undefined ? null : String(call.duration ?? 0),
    answered_by: null,
    annotation: null,
    caller_name: null,
    forwarded_from: null,
    group_sid: null,
    phone_number_sid: call.phoneNumberSid ?? null,
    price: null,
    price_unit: 'USD',
    queue_time: '0',
    trunk_sid: null,
    uri: `${base}.json`,
    subresource_uris: {
      recordings: `${base}/Recordings.json`,
      notifications: `${base}/Notifications.json`,
      events: `${base}/Events.json`,
    },
  };
}

/** Turns runtime errors into the REST codes apps expect. */
export function restError(error: unknown): RestError {
  if (error instanceof RestError) return error;
  // The cluster's own codes (91300-91319) as they are: which node, and what happened to it.
  if (error instanceof PatchbayError && error.numericCode >= 91300 && error.numericCode < 91320)
    return new RestError(error.status, error.numericCode as DocumentedCode, error.message);
  if (error instanceof PatchbayError && error.status === 503) return new RestError(503, 20503, error.message);
  if (error instanceof PatchbayError) {
    const codes: Partial<Record<PatchbayError['code'], DocumentedCode>> = {
      'invalid-call-state': 21220,
      'call-not-found': 20404,
      'invalid-parameter': 21200,
    };
    return new RestError(
      error.code === 'call-not-found' ? 404 : 400,
      // Every PatchbayError code is in the reference (error-codes/reference.test.ts checks).
      codes[error.code] ?? (error.numericCode as DocumentedCode),
      error.message,
    );
  }
  return new RestError(500, 20500, 'Internal error');
}

/**
 * The runtime's parameters for a Calls create request. With `application` (the call named an
 * ApplicationSid), its VoiceUrl, VoiceMethod, fallback and status callback apply unless the
 * request gives its own.
 */
export function createCallParams(
  form: Form,
  account: AccountRecord,
  application?: ApplicationRecord,
): CreateCallParams {
  const to = field(form, 'To');
  const from = field(form, 'From');
  if (!to) throw invalid(21201, 'To', "no 'To' number is specified");
  if (!from) throw invalid(21213, 'From', "the 'From' phone number is required");
  // A client may carry custom parameters for its devices: client:alice?ticket=T-42.
  if (!/^(\+?[0-9][0-9 ().-]*|client:[\w.@-]+(\?\S{1,2048})?|sips?:\S+)$/i.test(to))
    throw invalid(21211, 'To', `the 'To' number ${to} is not a valid phone number`);
  const twiml = field(form, 'Twiml');
  const given = [field(form, 'Url'), twiml, field(form, 'ApplicationSid')].filter((v) => v !== undefined);
  if (given.length !== 1) throw invalid(21205, 'Url', 'give exactly one of Url, Twiml and ApplicationSid');
  if (application && !application.voiceUrl)
    throw invalid(21205, 'ApplicationSid', `application ${application.sid} has no VoiceUrl`);
  const url = application ? application.voiceUrl : absoluteUrl(form, 'Url', 21205);
  const timeoutText = field(form, 'Timeout');
  const timeout = timeoutText === undefined ? undefined : Number(timeoutText);
  if (timeout !== undefined && !(Number.isInteger(timeout) && timeout >= 1 && timeout <= 600)) {
    throw invalid(21208, 'Timeout', 'must be a whole number of seconds from 1 to 600');
  }
  const timeLimitText = field(form, 'TimeLimit');
  const timeLimit = timeLimitText === undefined ? undefined : Number(timeLimitText);
  if (timeLimit !== undefined && !(Number.isInteger(timeLimit) && timeLimit >= 1 && timeLimit <= 14_400)) {
    throw invalid(21200, 'TimeLimit', 'must be a whole number of seconds from 1 to 14400');
  }
  const sendDigits = field(form, 'SendDigits');
  if (sendDigits !== undefined && !/^[0-9*#wW]*$/.test(sendDigits))
    throw invalid(21200, 'SendDigits', 'may hold only 0-9, *, # and w');
  const events = fields(form, 'StatusCallbackEvent').flatMap((value) => value.split(/[\s,]+/).filter(Boolean));
  for (const event of events)
    if (!EVENTS.has(event)) throw invalid(21200, 'StatusCallbackEvent', `unknown event "${event}"`);
  const optional = {
    url,
    twiml,
    method: httpMethod(form, 'Method') ?? application?.voiceMethod,
    fallbackUrl: absoluteUrl(form, 'FallbackUrl', 21205) ?? application?.voiceFallbackUrl,
    fallbackMethod: httpMethod(form, 'FallbackMethod') ?? application?.voiceFallbackMethod,
    statusCallback: absoluteUrl(form, 'StatusCallback', 21609) ?? application?.statusCallback,
    statusCallbackMethod: httpMethod(form, 'StatusCallbackMethod') ?? application?.statusCallbackMethod,
    statusCallbackEvent: events.length > 0 ? (events as CallEvent[]) : undefined,
    timeout,
    sendDigits: field(form, 'SendDigits'),
    record: bool(form, 'Record'),
    timeLimit,
    callerId: field(form, 'CallerId'),
  };
  const defined = Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined));
  return { account: callAccount(account), to, from, ...defined };
}

export const callsResource: Resource = async (context) => {
  const { runtime, store, account, rest, query } = context;
  const path = `/2010-04-01/Accounts/${account.sid}/Calls.json`;
  if (rest === 'Calls.json') {
    if (context.method === 'POST') {
      const form = await context.form();
      const applicationSid = field(form, 'ApplicationSid');
      const application =
        applicationSid === undefined
          ? undefined
          : await applicationFor(context.store, account.sid, applicationSid, 'ApplicationSid');
      const params = createCallParams(form, account, application);
      await checkCallerId(context.store, account.sid, 'From', params.from, 21210);
      await checkCallerId(context.store, account.sid, 'CallerId', params.callerId, 21210);
      const call = runtime.calls.create(params);
      return { status: 201, body: callJson(call) };
    }
    if (context.method === 'GET') {
      const request = pageRequest(query);
      const where = filtersFrom(query, ['To', 'From', 'Status', 'ParentCallSid']);
      const ranges = {
        ...timeRange(query, 'StartTime', 'startedAt'),
        ...timeRange(query, 'EndTime', 'endedAt'),
      };
      const page = await store.list<CallRecord>('call', { accountSid: account.sid, where, ranges, ...request });
      return { status: 200, body: pageBody('calls', path, query, request, page, callJson) };
    }
    return undefined;
  }
  const match = /^Calls\/(CA[0-9a-f]{32})\.json$/.exec(rest);
  if (!match) return undefined;
  const sid = match[1] as string;
  const stored = await store.get<CallRecord>('call', account.sid, sid);
  if (!stored) throw notFound(sid);
  if (context.method === 'GET') return { status: 200, body: callJson(stored) };
  if (context.method === 'DELETE') {
    if (runtime.calls.get(sid) && !['completed', 'busy', 'failed', 'no-answer', 'canceled'].includes(stored.status)) {
      throw new RestError(400, 21220, `call ${sid} is in progress and cannot be deleted`);
    }
    await store.delete('call', account.sid, sid);
    await deleteCallLog(store, account.sid, sid);
    return { status: 204 };
  }
  if (context.method === 'POST') {
    const form = await context.form();
    const status = field(form, 'Status');
    if (status !== undefined && status !== 'completed' && status !== 'canceled')
      throw invalid(21200, 'Status', 'must be completed or canceled');
    // In a cluster, a call another node runs is changed there (cluster/call-control.ts).
    const remote = context.bus && !runtime.calls.get(sid) ? remoteOwner(context.bus, stored) : undefined;
    if (!remote && !runtime.calls.get(sid)) throw new RestError(400, 21220, `call ${sid} is not in progress`);
    const url = absoluteUrl(form, 'Url', 21205);
    const twiml = field(form, 'Twiml');
    const changes = {
      status,
      url,
      twiml,
      method: httpMethod(form, 'Method'),
      fallbackUrl: absoluteUrl(form, 'FallbackUrl', 21205),
      fallbackMethod: httpMethod(form, 'FallbackMethod'),
      statusCallback: absoluteUrl(form, 'StatusCallback', 21609),
      statusCallbackMethod: httpMethod(form, 'StatusCallbackMethod'),
    };
    const params = Object.fromEntries(
      Object.entries(changes).filter(([, value]) => value !== undefined),
    ) as UpdateCallParams;
    const updated =
      remote && context.bus
        ? await updateRemoteCall(context.bus, remote, stored, params)
        : await runtime.calls.update(sid, params);
    return { status: 200, body: callJson(updated) };
  }
  return undefined;
};
