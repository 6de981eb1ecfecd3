/**
 * Following the server's event stream, as `calls tail` does: each event handed over once, in
 * order; a dropped connection reported and reconnected with backoff (full jitter, capped),
 * resuming after the last event seen (`Last-Event-ID`), so nothing is lost or repeated while the
 * server keeps its log. Ctrl-C (the signal) ends it quietly.
 *
 * @example
 * await follow({ connection, signal, onEvent: (e) => console.log(e.type), onNotice: console.error });
 */
import { type Connection, GATEWAY_STATUS, networkError, refusal, request } from './client.js';
import { CliError } from './errors.js';
import { readEvents } from './sse.js';

export interface StreamEvent {
  readonly id: string | undefined;
  readonly type: string;
  readonly data: Record<string, unknown>;
}

export interface FollowOptions {
  readonly connection: Connection;
  readonly signal: AbortSignal;
  readonly onEvent: (event: StreamEvent) => void;
  /** Connection news for the user (lost, reconnecting, back): one line each. */
  readonly onNotice: (line: string) => void;
  /** First reconnection delay's upper bound. @default 500 */
  readonly baseDelayMs?: number;
  /** @default 30000 */
  readonly maxDelayMs?: number;
  /** @default Math.random */
  readonly random?: () => number;
}

/** Full jitter: a random delay up to base * 2^attempt, capped. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, random: () => number): number {
  return Math.round(random() * Math.min(maxMs, baseMs * 2 ** attempt));
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

const GAPS: Readonly<Record<string, string>> = {
  restarted: 'the server restarted: events from just before it may be missing',
  expired: 'the connection was down longer than the server keeps events: some may be missing',
  invalid: 'the server did not recognise where to resume: some events may be missing',
};

/** Follows the account's event stream until `signal` aborts; throws when it cannot start or is refused. */
export async function follow(options: FollowOptions): Promise<void> {
  const { connection: c, signal, onNotice } = options;
  const random = options.random ?? Math.random;
  const path = `/events/v1/Accounts/${c.account}/Stream`;
  let lastId: string | undefined;
  let connected = false;
  let attempt = 0;
  let lost = '';
  while (!signal.aborted) {
    if (attempt > 0) {
      const delay = backoffMs(attempt - 1, options.baseDelayMs ?? 500, options.maxDelayMs ?? 30_000, random);
      onNotice(`patchbay: ${lost}; reconnecting in ${(delay / 1000).toFixed(1)} s`);
      await pause(delay, signal);
      if (signal.aborted) return;
    }
    let response: Response;
    try {
      const headers: Record<string, string> = { accept: 'text/event-stream' };
      if (lastId !== undefined) headers['last-event-id'] = lastId;
      response = await request(c, 'GET', path, { signal, headers });
    } catch (error) {
      if (signal.aborted) return;
      // Not there at all when we start: a failure like any other command's.
      if (!connected) throw error;
      const failure = networkError(error, c.server);
      lost = `cannot reach ${c.server} (${failure.label})`;
      attempt++;
      continue;
    }
    // Once following, a server restarting behind a proxy (502, 504) or draining (503) is passing.
    if (connected && GATEWAY_STATUS[response.status]) {
      await response.body?.cancel();
      lost = `${c.server} answered HTTP ${response.status}`;
      attempt++;
      continue;
    }
    if (!response.ok) throw await refusal(response, c.server);
    if (!response.body || !String(response.headers.get('content-type')).startsWith('text/event-stream'))
      throw new CliError('not-patchbay', `${c.server} did not answer with an event stream`, {
        hint: 'is --server (or PATCHBAY_URL) a Patchbay server, version 0.1 or later?',
      });
    if (attempt > 0) onNotice(`patchbay: reconnected to ${c.server}`);
    else if (!connected) onNotice(`patchbay: following ${c.server} (Ctrl-C to stop)`);
    connected = true;
    attempt = 0;
    lost = `lost the connection to ${c.server}`;
    try {
      for await (const item of readEvents(response.body)) {
        if (item.kind === 'id') lastId = item.id;
        if (item.kind !== 'event') continue;
        if (item.event === 'stream.gap') {
          const reason = (JSON.parse(item.data) as { reason?: string }).reason ?? '';
          onNotice(`patchbay: ${GAPS[reason] ?? `events may be missing (${reason})`}`);
        } else if (item.event === 'stream.closing') {
          lost = `${c.server} is shutting down`;
        } else {
          lastId = item.id;
          options.onEvent({ id: item.id, type: item.event, data: JSON.parse(item.data) as Record<string, unknown> });
        }
      }
    } catch (error) {
      if (signal.aborted) return;
      lost = `lost the connection to ${c.server} (${networkError(error, c.server).label})`;
    }
    if (signal.aborted) return;
    attempt = 1;
  }
}
