import { describe, expect, it } from 'vitest';
import type { ServerMessage } from '../protocol/messages.js';
import { openLongPoll } from './long-poll.js';

const ACCOUNT = `AC${'a'.repeat(32)}`;
const CALL = `CA${'1'.repeat(32)}`;
const SERVER = 'https://voice.example.com';

/** A server answering the transport's requests from a script; the GETs it was asked, in order. */
function scriptedServer(polls: Array<unknown[]>) {
  const asked: string[] = [];
  let answered!: () => void;
  const done = new Promise<void>((resolve) => {
    answered = resolve;
  });
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    const json = (messages: unknown[]) => new Response(JSON.stringify({ messages }), { status: 200 });
    if (init?.method === 'POST')
      return json([
        {
          type: 'welcome',
          v: 1,
          session: 'session-1',
          resumed: false,
          identity: 'alice',
          accountSid: ACCOUNT,
          registered: false,
          heartbeatMs: 25_000,
          tokenExpiresAt: 1_900_000_000_000,
        },
      ]);
    asked.push(new URL(url).search);
    const next = polls.shift();
    if (next) return json(next);
    answered();
    // Nothing more: the poll waits until the transport is closed.
    return new Promise<Response>((_, reject) =>
      init?.signal?.addEventListener('abort', () => reject(new Error('aborted'))),
    );
  }) as typeof fetch;
  return { fetchImpl, asked, done };
}

describe('long-poll transport', () => {
  it('asks after a message it cannot read, instead of being sent it again in a loop', async () => {
    const cancel = { type: 'cancel', callSid: CALL, reason: 'no-answer', seq: 3 };
    const server = scriptedServer([
      // Seq 2 is a message this version does not know (a newer server's).
      [
        { type: 'call', callSid: CALL, state: 'open', seq: 1 },
        { type: 'from-the-future', seq: 2 },
      ],
      [cancel],
    ]);
    const received: ServerMessage[] = [];
    const malformed: string[] = [];
    const transport = await openLongPoll(SERVER, server.fetchImpl, {
      message: (message) => received.push(message),
      closed: () => {},
      malformed: (reason) => malformed.push(reason),
    });
    transport.send({ type: 'hello', v: 1, token: 'a.b.c' });
    await server.done;
    transport.close();
    expect(server.asked).toEqual(['?after=0', '?after=2', '?after=3']);
    expect(received.map((message) => message.type)).toEqual(['welcome', 'call', 'cancel']);
    expect(malformed).toHaveLength(1);
  });
});
