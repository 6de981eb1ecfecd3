/**
 * The long-poll transport, for networks where WebSockets do not get through: plain HTTPS
 * requests only. The device POSTs what it sends, and keeps one GET open that the server answers
 * as soon as it has something (or after a heartbeat with nothing). The session travels in the
 * `X-Patchbay-Session` header, never in the URL.
 */
import type { ClientMessage, ServerMessage } from '../protocol/messages.js';
import { parseServerMessage } from '../protocol/messages.js';
import { DEVICE_PATHS, type Transport, type TransportHandlers } from './transport.js';

export const SESSION_HEADER = 'x-patchbay-session';

/** The `seq` of something the server sent, read or not; 0 when it has none. */
function sequenceOf(raw: unknown): number {
  const seq = typeof raw === 'object' && raw !== null ? (raw as { seq?: unknown }).seq : undefined;
  return typeof seq === 'number' && Number.isSafeInteger(seq) && seq > 0 ? seq : 0;
}

export async function openLongPoll(
  server: string,
  fetchImpl: typeof fetch,
  handlers: TransportHandlers,
): Promise<Transport> {
  const url = new URL(DEVICE_PATHS.longPoll, server).toString();
  const stop = new AbortController();
  let session: string | undefined;
  let after = 0;
  let closed = false;
  let outbox: ClientMessage[] = [];
  let flushing = false;

  const fail = (code: number, reason: string) => {
    if (closed) return;
    closed = true;
    stop.abort();
    handlers.closed(code, reason);
  };

  const deliver = async (response: Response) => {
    if (response.status === 404) return fail(4404, 'session not found');
    if (!response.ok) return fail(1011, `HTTP ${response.status}`);
    const body = (await response.json()) as { messages?: unknown[] };
    for (const raw of body.messages ?? []) {
      const parsed = parseServerMessage(JSON.stringify(raw));
      if (!parsed.ok) {
        // Not asked for again: the server would answer every poll at once with it (a message a
        // newer server sends that this version cannot read), and the device would poll in a loop.
        after = Math.max(after, sequenceOf(raw));
        handlers.malformed(parsed.error.message);
        continue;
      }
      const message: ServerMessage = parsed.message;
      if (message.type === 'welcome') session = message.session;
      if ('seq' in message) after = Math.max(after, message.seq);
      if (!closed) handlers.message(message);
      if (message.type === 'error' && message.fatal) fail(4000, message.error.message);
    }
  };

  const poll = async () => {
    while (!closed && session) {
      try {
        const response = await fetchImpl(`${url}?after=${after}`, {
          headers: { [SESSION_HEADER]: session },
          signal: stop.signal,
        });
        await deliver(response);
      } catch {
        return fail(1006, 'poll failed');
      }
    }
  };

  const flush = async () => {
    if (flushing || closed) return;
    flushing = true;
    try {
      while (outbox.length > 0 && !closed) {
        const batch = outbox;
        outbox = [];
        const hello = batch[0]?.type === 'hello' && !session;
        const response = await fetchImpl(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(session ? { [SESSION_HEADER]: session } : {}) },
          body: JSON.stringify(hello ? batch[0] : { messages: batch }),
          signal: stop.signal,
        });
        await deliver(response);
        if (hello) {
          outbox = [...batch.slice(1), ...outbox];
          if (session) void poll();
        }
      }
    } catch {
      fail(1006, 'send failed');
    } finally {
      flushing = false;
    }
  };

  return {
    kind: 'long-poll',
    send(message) {
      if (closed) return;
      outbox.push(message);
      queueMicrotask(() => void flush());
    },
    close() {
      closed = true;
      stop.abort();
    },
  };
}
