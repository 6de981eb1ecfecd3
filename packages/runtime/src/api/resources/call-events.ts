/**
 * `/Calls/{CallSid}/Events.json`: the requests the call made to its app for documents (its URL,
 * actions, redirects, fallbacks), each with its parameters and the answer (status, content type,
 * headers, the start of the body, how long it took), in the order they were made. A call keeps
 * its latest 200 (call-log.ts).
 */
import type { CallRecord } from '../../calls/call.js';
import { type CallEventRecord, EVENTS_PER_CALL } from '../call-log.js';
import { apiDate, notFound } from '../http.js';
import { pageBody, pageOf, pageRequest } from '../paging.js';
import type { Resource } from './context.js';

export function callEventJson(event: CallEventRecord) {
  return {
    request: { method: event.method, url: event.url, parameters: event.parameters },
    response: {
      response_code: event.status ?? null,
      request_duration: event.durationMs,
      content_type: event.contentType ?? null,
      response_headers: event.headers ?? null,
      response_body: event.body ?? null,
      date_created: apiDate(event.createdAt),
      ...(event.errorCode === undefined ? {} : { error_code: event.errorCode, error_message: event.errorMessage }),
    },
  };
}

const PATH = /^Calls\/(CA[0-9a-f]{32})\/Events\.json$/;

export const callEventsResource: Resource = async (context) => {
  const { store, account, rest, query } = context;
  const match = PATH.exec(rest);
  if (!match || context.method !== 'GET') return undefined;
  const callSid = match[1] as string;
  if (!(await store.get<CallRecord>('call', account.sid, callSid))) throw notFound(callSid);
  const request = pageRequest(query);
  // A call holds at most EVENTS_PER_CALL: read them all, oldest first, and page in memory.
  const all = await store.list<CallEventRecord>('call-event', {
    accountSid: account.sid,
    where: { callSid },
    page: 0,
    pageSize: EVENTS_PER_CALL,
  });
  const ordered = all.items.sort((a, b) => a.sequence - b.sequence);
  const path = `/2010-04-01/Accounts/${account.sid}/Calls/${callSid}/Events.json`;
  return { status: 200, body: pageBody('events', path, query, request, pageOf(ordered, request), callEventJson) };
};
