/**
 * The long-poll transport's two requests on a session this node holds, apart from HTTP: a GET
 * waits for what the server sends after the device's position (answered at once when something
 * is pending, else at the first message or after a heartbeat), a POST carries the device's
 * messages and answers with their immediate replies. endpoints.ts answers them for the device's
 * own requests; on a cluster, cluster/devices-poll-relay.ts for requests that reached another node.
 *
 * @example
 * const { status, messages } = await pollHere(bridge, session, { method: 'GET', after: 12 }, signal);
 */
import { type ClientMessage, DeviceError, parseClientMessage, type ServerMessage } from '@patchbay/sdk/protocol';
import { errorMessage } from './device-errors.js';
import type { DeviceSession, Link } from './session.js';

/** What a long-poll request is answered: its HTTP status and the messages in its body. */
export interface PollAnswer {
  readonly status: number;
  readonly messages: ServerMessage[];
}

/** The part of the bridge a poll uses. */
export interface PollBridge {
  readonly heartbeatMs: number;
  resume(session: DeviceSession, link: Link, received: number): void;
  lost(session: DeviceSession, link: Link): void;
  receive(session: DeviceSession, message: ClientMessage, link: Link): void;
}

/** Messages a device may send in one POST. */
export const MAX_BATCH = 64;

/**
 * A GET: resolves with what followed `after` once there is something, or with nothing after a
 * heartbeat. A newer poll of the session ends it (its link is replaced and closed); `signal`
 * ends it too (the request's connection closed, or the node that relayed it said so). At most
 * `maxBytes` of messages go in one answer (at least one message): the device asks again from
 * the last it got for the rest, as for anything it missed.
 */
export function pollGet(
  bridge: Pick<PollBridge, 'heartbeatMs' | 'resume' | 'lost'>,
  session: DeviceSession,
  after: number,
  signal?: AbortSignal,
  maxBytes = Number.POSITIVE_INFINITY,
): Promise<PollAnswer> {
  if (signal?.aborted) return Promise.resolve({ status: 200, messages: [] });
  return new Promise((resolve) => {
    const messages: ServerMessage[] = [];
    let bytes = 0;
    let settled = false;
    const settle = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', settle);
      bridge.lost(session, link);
      resolve({ status: 200, messages });
    };
    let scheduled = false;
    const link: Link = {
      send(message) {
        if (settled) return;
        bytes += JSON.stringify(message).length;
        if (messages.length > 0 && bytes > maxBytes) return;
        messages.push(message);
        if (scheduled) return;
        scheduled = true;
        // What the same turn sends goes in the same answer.
        setImmediate(settle);
      },
      close: () => setImmediate(settle),
    };
    const timer = setTimeout(settle, bridge.heartbeatMs);
    signal?.addEventListener('abort', settle);
    bridge.resume(session, link, after);
  });
}

/** A POST: the device's messages (`{ messages: [...] }`, at most MAX_BATCH) to its session; their replies. */
export function pollPost(bridge: Pick<PollBridge, 'receive'>, session: DeviceSession, body: unknown): PollAnswer {
  const batch = (body as { messages?: unknown } | null)?.messages;
  if (!Array.isArray(batch) || batch.length > MAX_BATCH) {
    const error = new DeviceError('MalformedRequest', `expected { messages: [...] } (at most ${MAX_BATCH})`);
    return { status: 400, messages: [errorMessage(error, false)] };
  }
  const replies: ServerMessage[] = [];
  const link: Link = { send: (message) => replies.push(message), close: () => {} };
  for (const raw of batch) {
    const parsed = parseClientMessage(JSON.stringify(raw));
    if (parsed.ok) bridge.receive(session, parsed.message, link);
    else replies.push({ type: 'error', fatal: false, error: parsed.error });
  }
  return { status: 200, messages: replies };
}

/** A long-poll request, apart from HTTP: a GET from a position, or a POST's parsed body. */
export type PollRequest =
  | { readonly method: 'GET'; readonly after: number }
  | { readonly method: 'POST'; readonly body: unknown };

/** Answers `request` for a session held here (a GET's answer bounded to `maxBytes`, see pollGet). */
export function pollHere(
  bridge: PollBridge,
  session: DeviceSession,
  request: PollRequest,
  signal?: AbortSignal,
  maxBytes?: number,
): Promise<PollAnswer> {
  return request.method === 'POST'
    ? Promise.resolve(pollPost(bridge, session, request.body))
    : pollGet(bridge, session, request.after, signal, maxBytes);
}

/** A GET's `after` as the device sent it: a position, 0 when it is not one. */
export function pollPosition(raw: string | null | undefined): number {
  const after = Number(raw ?? 0);
  return Number.isSafeInteger(after) && after >= 0 ? after : 0;
}
