/**
 * /2010-04-01/Accounts/{AccountSid}/Messages: send (To, From, Body and/or MediaUrl repeated,
 * StatusCallback) through the messaging adapter, list (To, From filters), fetch.
 */
import type { MessageRecord } from '../../messaging/types.js';
import { urlRefusal } from '../../webhooks/egress.js';
import { callAccount } from '../auth.js';
import { absoluteUrl, apiDate, field, fields, invalid, notFound } from '../http.js';
import { filtersFrom, pageBody, pageRequest } from '../paging.js';
import { checkCallerId } from '../routing.js';
import type { Resource } from './context.js';

export function messageJson(message: MessageRecord) {
  const base = `/2010-04-01/Accounts/${message.accountSid}/Messages/${message.sid}`;
  return {
    sid: message.sid,
    account_sid: message.accountSid,
    api_version: '2010-04-01',
    body: message.body,
    direction: message.direction,
    from: message.from,
    to: message.to,
    status: message.status,
    num_media: String(message.mediaUrls.length),
    num_segments: String(Math.max(1, Math.ceil(message.body.length / 160))),
    error_code: message.errorCode ?? null,
    error_message: null,
    messaging_service_sid: null,
    price: null,
    price_unit: 'USD',
    date_created: apiDate(message.createdAt),
    date_updated: apiDate(message.updatedAt),
    date_sent: ['sent', 'delivered', 'undelivered'].includes(message.status) ? apiDate(message.updatedAt) : null,
    uri: `${base}.json`,
    subresource_uris: { media: `${base}/Media.json` },
  };
}

const NUMBER = /^(\+?[0-9][0-9 ().-]{2,}|client:[\w.@-]+)$/;

export const messagesResource: Resource = async (context) => {
  const { runtime, store, account, rest, query } = context;
  if (rest === 'Messages.json') {
    if (context.method === 'POST') {
      const form = await context.form();
      const to = field(form, 'To');
      const from = field(form, 'From');
      const body = field(form, 'Body') ?? '';
      const mediaUrls = fields(form, 'MediaUrl');
      if (!to) throw invalid(21604, 'To', "a 'To' phone number is required");
      if (!NUMBER.test(to)) throw invalid(21211, 'To', `the 'To' number ${to} is not a valid phone number`);
      if (!from) throw invalid(21603, 'From', "a 'From' phone number is required");
      if (body === '' && mediaUrls.length === 0) throw invalid(21602, 'Body', 'a message body or media is required');
      if (body.length > 1600) throw invalid(21617, 'Body', 'the message body exceeds 1600 characters');
      for (const url of mediaUrls) {
        const problem = urlRefusal(url);
        if (problem) throw invalid(21620, 'MediaUrl', problem);
      }
      const statusCallback = absoluteUrl(form, 'StatusCallback', 21609);
      await checkCallerId(store, account.sid, 'From', from, 21606);
      const message = runtime.messages.send({
        account: callAccount(account),
        to,
        from,
        body,
        mediaUrls,
        ...(statusCallback ? { statusCallback } : {}),
      });
      return { status: 201, body: messageJson(message) };
    }
    if (context.method === 'GET') {
      const request = pageRequest(query);
      const where = filtersFrom(query, ['To', 'From']);
      const page = await store.list<MessageRecord>('message', { accountSid: account.sid, where, ...request });
      return {
        status: 200,
        body: pageBody(
          'messages',
          `/2010-04-01/Accounts/${account.sid}/Messages.json`,
          query,
          request,
          page,
          messageJson,
        ),
      };
    }
    return undefined;
  }
  const match = /^Messages\/((?:SM|MM)[0-9a-f]{32})\.json$/.exec(rest);
  if (!match || context.method !== 'GET') return undefined;
  const message = await store.get<MessageRecord>('message', account.sid, match[1] as string);
  if (!message) throw notFound(match[1] as string);
  return { status: 200, body: messageJson(message) };
};
