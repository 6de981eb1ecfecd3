/**
 * An inbound text message: recorded (direction `inbound`, status `received`), posted to the
 * app's SmsUrl with the parameters apps expect (MessageSid, SmsSid, SmsMessageSid, AccountSid,
 * From, To, Body, NumMedia, MediaUrl0... with MediaContentType0..., SmsStatus, ApiVersion), signed with the account's
 * token. The reply is a messaging document: each `<Message>` is sent (to the sender and from
 * the number by default), `<Redirect>` fetches the next document (at most 10 in a row). When the
 * SmsUrl fails, its fallback gets the same request plus ErrorCode and ErrorUrl.
 */
import { type MessagingDocument, parseMessaging } from '@patchbay/markup';
import type { WebhookParams } from '@patchbay/sdk';
import { messagePlaceParams } from '../calls/geo.js';
import type { Clock } from '../clock/clock.js';
import { PatchbayError } from '../errors.js';
import { MARKUP_TYPES, parseFailure, resolveUrl } from '../interpreter/documents.js';
import { askLocal, type LocalApps } from '../interpreter/local-apps.js';
import type { Egress } from '../webhooks/egress.js';
import { sendWebhook } from '../webhooks/fetch.js';
import { mediaContentTypes } from './media-types.js';
import type { Messages } from './messages.js';
import type { MessageRecord } from './types.js';

type Method = 'GET' | 'POST';

export interface MessagingApp {
  readonly url: string;
  readonly method?: Method;
  readonly fallbackUrl?: string;
  readonly fallbackMethod?: Method;
}

export interface InboundMessage {
  readonly from: string;
  readonly to: string;
  readonly body: string;
  readonly mediaUrls?: readonly string[];
  /**
   * The content type of each media URL, as the sender gave it (`MediaContentType{N}`); those not
   * given are named by the URL's file extension (see media-types.ts).
   */
  readonly mediaContentTypes?: readonly (string | undefined)[];
}

export interface RoutedMessage extends InboundMessage {
  readonly account: { readonly sid: string; readonly authToken: string };
  readonly app: MessagingApp;
}

export interface InboundResult {
  readonly message: MessageRecord;
  /** The replies the app's documents sent, in order. */
  readonly replies: readonly MessageRecord[];
  /** Why the app's document could not be followed, if it could not. */
  readonly error?: PatchbayError;
}

/** Redirects followed for one message before giving up. */
export const MAX_MESSAGE_REDIRECTS = 10;

type Fetched = { ok: true; document: MessagingDocument; url: string } | { ok: false; error: PatchbayError };

async function fetchDocument(
  url: string,
  method: Method,
  params: WebhookParams,
  authToken: string,
  clock: Clock,
  egress?: Egress,
  local?: { readonly apps: LocalApps; readonly accountSid: string },
): Promise<Fetched> {
  const app = local?.apps.find(url);
  const response = app
    ? await askLocal(app, { url, method, params, accountSid: local?.accountSid ?? '' })
    : await sendWebhook({ url, method, params, authToken, clock, egress });
  if (!response.ok) return response;
  // An empty answer (or plain 204) means "no reply".
  if (response.body.trim() === '') return { ok: true, document: NO_REPLY, url: response.url };
  if (!MARKUP_TYPES.has(response.contentType)) {
    const message = `the response from ${response.url} has content type "${response.contentType}"`;
    return { ok: false, error: new PatchbayError('invalid-content-type', message) };
  }
  const parsed = parseMessaging(response.body);
  if (!parsed.ok) return { ok: false, error: parseFailure(response.url, parsed.errors) };
  return { ok: true, document: parsed.document, url: response.url };
}

/** What an empty answer means: no reply. */
const NO_REPLY: MessagingDocument = (() => {
  const parsed = parseMessaging('<Response/>');
  if (!parsed.ok) throw new Error('an empty Response is valid');
  return parsed.document;
})();

export async function receiveMessage(
  messages: Messages,
  clock: Clock,
  inbound: RoutedMessage,
  onError: (message: MessageRecord, error: PatchbayError, url: string) => void,
  /** Where the app's documents may be fetched from. @default DEFAULT_EGRESS */
  egress?: Egress,
  /** Whether the account may send from a number (`<Message from>`). @default every number */
  senderAllowed: (accountSid: string, number: string) => Promise<boolean> = async () => true,
  /** Apps answered in-process (a room's number: rooms/sms.ts). */
  localApps?: LocalApps,
): Promise<InboundResult> {
  const media = inbound.mediaUrls ?? [];
  // Checked before the message is recorded: a bad content type is refused, not half received.
  const types = mediaContentTypes(media, inbound.mediaContentTypes);
  const message = messages.received(inbound);
  // Not stored, not run: the app is not asked about a message a restart would not know.
  await messages.admission(message);
  const params: Record<string, string> = {
    MessageSid: message.sid,
    SmsSid: message.sid,
    SmsMessageSid: message.sid,
    AccountSid: inbound.account.sid,
    From: inbound.from,
    To: inbound.to,
    Body: inbound.body,
    NumMedia: String(media.length),
    NumSegments: String(Math.max(1, Math.ceil(inbound.body.length / 160))),
    SmsStatus: 'received',
    ApiVersion: '2010-04-01',
    ...messagePlaceParams(inbound.from, inbound.to),
  };
  media.forEach((url, index) => {
    params[`MediaUrl${index}`] = url;
    params[`MediaContentType${index}`] = types[index] as string;
  });

  const replies: MessageRecord[] = [];
  const { app, account } = inbound;
  const local = localApps ? { apps: localApps, accountSid: account.sid } : undefined;
  let target = { url: app.url, method: app.method ?? 'POST' };
  for (let hop = 0; ; hop++) {
    if (hop > MAX_MESSAGE_REDIRECTS) {
      const error = new PatchbayError('too-many-redirects', `more than ${MAX_MESSAGE_REDIRECTS} redirects`);
      onError(message, error, target.url);
      return { message, replies, error };
    }
    let fetched = await fetchDocument(target.url, target.method, params, account.authToken, clock, egress, local);
    if (!fetched.ok) {
      onError(message, fetched.error, target.url);
      if (hop > 0 || !app.fallbackUrl) return { message, replies, error: fetched.error };
      const withError = { ...params, ErrorCode: String(fetched.error.numericCode), ErrorUrl: target.url };
      const fallback: Fetched = await fetchDocument(
        app.fallbackUrl,
        app.fallbackMethod ?? 'POST',
        withError,
        account.authToken,
        clock,
        egress,
        local,
      );
      if (!fallback.ok) {
        onError(message, fallback.error, app.fallbackUrl);
        return { message, replies, error: fallback.error };
      }
      fetched = fallback;
    }
    let next: { url: string; method: Method } | undefined;
    for (const verb of fetched.document.children) {
      if (verb.name === 'Message') {
        const { attributes } = verb;
        const children = verb.children.filter((child) => child.name === 'Body' || child.name === 'Media');
        const bodyChild = children.find((child) => child.name === 'Body');
        const body = bodyChild && 'text' in bodyChild ? bodyChild.text : verb.text;
        const mediaUrls = children
          .filter((child) => child.name === 'Media')
          .map((child) => resolveUrl(('text' in child ? child.text : '').trim(), fetched.url));
        const callback = attributes.statusCallback ?? attributes.action;
        if (attributes.from !== undefined && !(await senderAllowed(account.sid, attributes.from))) {
          const refused = `<Message from="${attributes.from}">: the number belongs to another account; nothing is sent`;
          onError(message, new PatchbayError('sender-refused', refused), fetched.url);
          continue;
        }
        replies.push(
          messages.send({
            account,
            to: attributes.to ?? inbound.from,
            from: attributes.from ?? inbound.to,
            body: body.trim(),
            mediaUrls,
            direction: 'outbound-reply',
            ...(callback === undefined ? {} : { statusCallback: resolveUrl(callback, fetched.url) }),
          }),
        );
      } else if (verb.name === 'Redirect') {
        next = { url: resolveUrl(verb.text.trim(), fetched.url), method: verb.attributes.method };
        break;
      }
    }
    if (!next) return { message, replies };
    target = next;
  }
}

/**
 * `runtime.messages.receive`: routes a message that arrived (to `app`/`account` when given,
 * else by `route`), then hands it to `receiveMessage`; `settled()` waits for those under way.
 */
export function messageReceiver(deps: {
  readonly messages: Messages;
  readonly clock: Clock;
  readonly route: (message: {
    readonly to: string;
    readonly from: string;
  }) =>
    | (MessagingApp & { readonly account?: RoutedMessage['account'] })
    | undefined
    | Promise<(MessagingApp & { readonly account?: RoutedMessage['account'] }) | undefined>;
  readonly defaultAccount: RoutedMessage['account'];
  readonly onRejected: (message: { readonly to: string; readonly from: string }) => void;
  readonly onError: (message: MessageRecord, error: PatchbayError, url: string) => void;
  readonly egress?: Egress | undefined;
  readonly senderAllowed?: (accountSid: string, number: string) => Promise<boolean>;
  readonly localApps?: LocalApps;
}) {
  const underWay = new Set<Promise<unknown>>();
  async function receive(
    message: InboundMessage & { readonly app?: MessagingApp; readonly account?: RoutedMessage['account'] },
  ): Promise<InboundResult | undefined> {
    const routed = message.app
      ? { ...message.app, ...(message.account ? { account: message.account } : {}) }
      : await deps.route({ to: message.to, from: message.from });
    if (!routed) {
      deps.onRejected({ to: message.to, from: message.from });
      return undefined;
    }
    const { account, ...app } = routed;
    const work = receiveMessage(
      deps.messages,
      deps.clock,
      { ...message, app, account: account ?? deps.defaultAccount },
      deps.onError,
      deps.egress,
      deps.senderAllowed,
      deps.localApps,
    );
    underWay.add(work);
    try {
      return await work;
    } finally {
      underWay.delete(work);
    }
  }
  return {
    receive,
    settled: async () => {
      await Promise.allSettled([...underWay]);
    },
  };
}
