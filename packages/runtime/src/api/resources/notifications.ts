/**
 * Notifications: what went wrong while calls and messages ran, with its code (`error_code`),
 * level (`log` 0 error, 1 warning), URL, and the request and answer behind it.
 * `/Notifications.json` and `/Notifications/{Sid}.json` cover the account (calls and messages);
 * `/Calls/{CallSid}/Notifications.json` and `.../Notifications/{Sid}.json` one call. Lists take
 * `Log` and `MessageDate` (`MessageDate<`, `MessageDate>`) filters, newest first.
 */
import type { CallRecord } from '../../calls/call.js';
import { moreInfoUrl } from '../../error-codes/index.js';
import type { NotificationRecord } from '../call-log.js';
import { apiDate, invalid, notFound } from '../http.js';
import { pageBody, pageRequest, timeRange } from '../paging.js';
import type { Resource } from './context.js';

export function notificationJson(record: NotificationRecord, publicUrl: string, base: string) {
  const messageText = new URLSearchParams({
    ErrorCode: String(record.errorCode),
    LogLevel: record.log === 0 ? 'ERROR' : 'WARN',
    Msg: record.message,
    ...(record.requestUrl ? { url: record.requestUrl } : {}),
  });
  return {
    sid: record.sid,
    account_sid: record.accountSid,
    call_sid: record.callSid ?? null,
    api_version: '2010-04-01',
    date_created: apiDate(record.createdAt),
    date_updated: apiDate(record.createdAt),
    message_date: apiDate(record.createdAt),
    error_code: String(record.errorCode),
    log: String(record.log),
    message_text: messageText.toString(),
    more_info: moreInfoUrl(publicUrl, record.errorCode),
    request_method: record.requestMethod ?? null,
    request_url: record.requestUrl ?? null,
    request_variables: record.requestVariables ?? null,
    response_body: record.responseBody ?? null,
    response_headers: record.responseHeaders ?? null,
    uri: `${base}/${record.sid}.json`,
  };
}

const PATH = /^(?:Calls\/(CA[0-9a-f]{32})\/)?Notifications(?:\.json|\/(NO[0-9a-f]{32})\.json)$/;

export const notificationsResource: Resource = async (context) => {
  const { store, account, rest, query } = context;
  const match = PATH.exec(rest);
  if (!match || context.method !== 'GET') return undefined;
  const [, callSid, sid] = match;
  if (callSid && !(await store.get<CallRecord>('call', account.sid, callSid))) throw notFound(callSid);
  const base = `/2010-04-01/Accounts/${account.sid}${callSid ? `/Calls/${callSid}` : ''}/Notifications`;
  const render = (record: NotificationRecord) => notificationJson(record, context.publicUrl, base);
  if (sid) {
    const record = await store.get<NotificationRecord>('notification', account.sid, sid);
    if (!record || (callSid && record.callSid !== callSid)) throw notFound(sid);
    return { status: 200, body: render(record) };
  }
  const request = pageRequest(query);
  const log = query.get('Log');
  if (log !== null && log !== '0' && log !== '1') throw invalid(21200, 'Log', 'must be 0 (errors) or 1 (warnings)');
  const where = {
    ...(log === null ? {} : { log: Number(log) }),
    ...(callSid ? { callSid } : {}),
  };
  const ranges = timeRange(query, 'MessageDate', 'createdAt');
  const page = await store.list<NotificationRecord>('notification', {
    accountSid: account.sid,
    where,
    ranges,
    ...request,
  });
  return { status: 200, body: pageBody('notifications', `${base}.json`, query, request, page, render) };
};
