/**
 * GET /events/v1/Accounts/{AccountSid}/Stream: the account's events as they happen, as
 * Server-Sent Events (a Patchbay resource; the hosted API has none). Authenticated like the REST
 * API; a stream sees its account and that account's subaccounts. Each event carries an id; a
 * reader that reconnects with `Last-Event-ID` gets what it missed within the log's window (or a
 * `stream.gap` event saying events may be missing). Comments keep idle connections alive; a
 * reader too slow to keep up is disconnected (it reconnects and resumes) rather than buffered
 * without bound.
 *
 * @example
 * // curl -N -u "$PATCHBAY_ACCOUNT_SID:$PATCHBAY_AUTH_TOKEN" "$PATCHBAY_URL/events/v1/Accounts/$PATCHBAY_ACCOUNT_SID/Stream"
 * const stream = eventStream({ runtime, store });
 * createServer((req, res) => stream.handle(req, res) ?? api.handle(req, res));
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Clock, systemClock } from '../clock/clock.js';
import type { Bus } from '../cluster/bus.js';
import { EventRelay, type OpenedFeed } from '../cluster/event-relay.js';
import type { Runtime } from '../runtime.js';
import type { Store } from '../store/types.js';
import { type AccountRecord, authenticate, mayAccess } from './auth.js';
import { EventLog, type LogEntry, type Visible } from './event-log.js';
import { notFound, RestError, sendError } from './http.js';

export const EVENT_STREAM_PATH = /^\/events\/v1\/Accounts\/(AC[0-9a-f]{32})\/Stream$/;

export interface EventStreamOptions {
  /** Heartbeat timers and event times. @default systemClock */
  readonly clock?: Clock;
  /** A comment line this often keeps idle connections (and proxies) open. @default 15000 */
  readonly heartbeatMs?: number;
  /** A reader with more than this unsent is disconnected. @default 1048576 */
  readonly maxBufferedBytes?: number;
  /** Open streams per account. @default 16 */
  readonly maxStreamsPerAccount?: number;
  /** Events kept for resuming. @default 10000 */
  readonly maxEvents?: number;
  /** How long events are kept for resuming. @default 300000 */
  readonly windowMs?: number;
  /** Sent as the SSE `retry` field: how soon a browser EventSource reconnects. @default 1000 */
  readonly retryMs?: number;
  /**
   * In a cluster, the bus: a stream carries its account's events from every node, resumes on any
   * node, and `maxStreamsPerAccount` counts the cluster's streams (cluster/event-relay.ts).
   */
  readonly bus?: Bus;
  /** Failures of the bus while streaming (a reader is then told of a gap). */
  readonly onError?: (error: unknown) => void;
}

export interface EventStream {
  /**
   * Serves the request if it is for the stream (settles when the stream ends), else undefined.
   * `base` is the server's public URL, for the `more_info` links of errors.
   */
  handle(req: IncomingMessage, res: ServerResponse, base: string): Promise<void> | undefined;
  /** Tells every reader the server is closing, ends the streams, and stops logging. */
  close(): void;
}

const frame = (entry: LogEntry) => `id: ${entry.id}\nevent: ${entry.type}\ndata: ${entry.data}\n\n`;
const notice = (event: string, data: object) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

export function eventStream(
  options: EventStreamOptions & { readonly runtime: Pick<Runtime, 'events'>; readonly store: Store },
): EventStream {
  const { store } = options;
  const clock = options.clock ?? systemClock;
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const maxBuffered = options.maxBufferedBytes ?? 1024 * 1024;
  const maxStreams = options.maxStreamsPerAccount ?? 16;
  const log = new EventLog({
    runtime: options.runtime,
    clock,
    ownerOf: async (sid) => (await store.find<AccountRecord>('account', sid))?.ownerAccountSid,
    ...(options.maxEvents === undefined ? {} : { maxEvents: options.maxEvents }),
    ...(options.windowMs === undefined ? {} : { windowMs: options.windowMs }),
  });
  const { bus } = options;
  const relay =
    bus &&
    new EventRelay({
      bus,
      log,
      clock,
      ...(options.maxEvents === undefined ? {} : { maxEvents: options.maxEvents }),
      ...(options.windowMs === undefined ? {} : { windowMs: options.windowMs }),
      ...(options.onError ? { onError: options.onError } : {}),
    });
  const open = new Map<string, number>();
  const closers = new Set<() => void>();
  const tooMany = (sid: string) =>
    new RestError(429, 20429, `Too many event streams for ${sid} (at most ${maxStreams})`, { 'retry-after': '5' });
  /** Takes a place among the account's streams (the cluster's, with a bus); returns what frees it. */
  async function place(sid: string): Promise<() => void> {
    if (bus) {
      const counter = `event-streams:${sid}`;
      if (!(await bus.take(counter, maxStreams))) throw tooMany(sid);
      return () => void bus.give(counter).catch((error: unknown) => options.onError?.(error));
    }
    if ((open.get(sid) ?? 0) >= maxStreams) throw tooMany(sid);
    open.set(sid, (open.get(sid) ?? 0) + 1);
    return () => open.set(sid, (open.get(sid) ?? 1) - 1);
  }
  /** A reader's start from this node's log: replay and subscription in one turn, so nothing is lost or repeated. */
  function localFeed(lastId: string | undefined, visible: Visible): OpenedFeed {
    const resume = log.resume(lastId, visible);
    const arrived: LogEntry[] = [];
    let live: ((entry: LogEntry) => void) | undefined;
    const stop = log.subscribe((entry) => {
      if (visible(entry)) live ? live(entry) : arrived.push(entry);
    });
    return {
      resume,
      position: log.position(),
      begin(next) {
        for (const entry of arrived.splice(0)) next(entry);
        live = next;
      },
      stop,
    };
  }

  async function start(req: IncomingMessage, res: ServerResponse, accountSid: string): Promise<void> {
    // Any credential of the account may read its events (a standard API key too).
    const caller = (await authenticate(req, store)).account;
    const target = accountSid === caller.sid ? caller : await store.find<AccountRecord>('account', accountSid);
    if (!target || !mayAccess(caller, target)) throw notFound(accountSid);
    const release = await place(target.sid);
    // Heard even if the reader leaves while its start is being read (with a bus, that takes a while).
    const closed = new Promise<void>((resolve) => res.once('close', resolve));
    const visible: Visible = (entry) => entry.accountSid === target.sid || entry.ownerSid === target.sid;
    const header = req.headers['last-event-id'];
    const lastId = typeof header === 'string' && header !== '' ? header : undefined;
    let feed: OpenedFeed;
    try {
      // The relay's topic carries only the account's own events and its subaccounts'.
      feed = relay ? await relay.open(target.sid, lastId) : localFeed(lastId, visible);
    } catch (error) {
      release();
      throw error;
    }

    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
    });
    const write = (text: string) => {
      if (res.destroyed) return;
      res.write(text);
      // Too far behind: let it reconnect and resume from the log instead of buffering more.
      if (res.writableLength > maxBuffered) res.destroy();
    };
    const { resume } = feed;
    const missed = resume.kind === 'live' ? [] : resume.entries;
    // With nothing to replay, an id-only block tells the reader where it stands, so that after a
    // drop before its first event it still resumes from here (an EventSource keeps it too).
    const position = missed.length === 0 && feed.position !== undefined ? `id: ${feed.position}\n` : '';
    write(`retry: ${options.retryMs ?? 1000}\n${position}: connected\n\n`);
    if (resume.kind === 'gap') write(notice('stream.gap', { reason: resume.reason, last_event_id: lastId }));
    for (const entry of missed) write(frame(entry));
    feed.begin((entry) => write(frame(entry)));
    let cancelHeartbeat = () => {};
    const beat = () => {
      write(': heartbeat\n\n');
      cancelHeartbeat = clock.setTimer(beat, heartbeatMs);
    };
    cancelHeartbeat = clock.setTimer(beat, heartbeatMs);
    const closing = () => {
      if (!res.destroyed) res.end(notice('stream.closing', { reason: 'the server is shutting down' }));
    };
    closers.add(closing);
    await closed;
    closers.delete(closing);
    feed.stop();
    cancelHeartbeat();
    release();
  }

  return {
    handle(req, res, base) {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      const match = EVENT_STREAM_PATH.exec(path);
      if (!match) return undefined;
      return (async () => {
        try {
          // Like any path the API does not serve for a method.
          if (req.method !== 'GET') throw notFound(path);
          await start(req, res, match[1] as string);
        } catch (error) {
          if (res.headersSent) return;
          const rest = error instanceof RestError ? error : new RestError(500, 20500, 'Internal error');
          sendError(res, rest, base, rest.status === 401 ? { 'www-authenticate': 'Basic realm="Patchbay"' } : {});
        }
      })();
    },
    close() {
      for (const closing of [...closers]) closing();
      relay?.close();
      log.close();
    },
  };
}
