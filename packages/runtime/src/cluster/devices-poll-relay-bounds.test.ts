/**
 * The long-poll relay's edges, on the in-process bus with a scripted bridge on the holder: a
 * relayed GET ends there when the device's request ends here; polls for one session ask the
 * other nodes once; a session nobody holds is not asked about again at once; a holder that
 * cannot be asked is "unavailable" (503), not "no such session" (404); the holder dying ends
 * the polls waiting on it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { PollRequest } from '../bridge/poll.js';
import type { DeviceSession } from '../bridge/session.js';
import { BusHub, InProcessBus } from './bus-memory.js';
import { type PolledBridge, PollRelay } from './devices-poll-relay.js';

const SESSION = 'S'.repeat(22);
const GET: PollRequest = { method: 'GET', after: 0 };

const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** Two nodes: `holder` holds SESSION (its bridge scripted), `reached` relays to it. */
async function twoNodes() {
  const hub = new BusHub();
  const start = async (nodeId: string) => {
    const bus = new InProcessBus({ nodeId, hub, leaseMs: 60_000, heartbeatMs: 10_000 });
    await bus.start();
    closers.push(() => bus.close());
    return bus;
  };
  const holderBus = await start('holder');
  const reachedBus = await start('reached');
  const asked: string[] = [];
  const polls: Array<{ request: PollRequest; signal: AbortSignal; answer(messages: number): void }> = [];
  const bridge: PolledBridge = {
    heartbeatMs: 1000,
    session: (id) => {
      asked.push(id);
      return id === SESSION ? ({ id } as DeviceSession) : undefined;
    },
    answer: (_session, request, signal) =>
      new Promise((resolve) => {
        const answer = (count: number) =>
          resolve({ status: 200, messages: Array.from({ length: count }, () => ({ type: 'pong' as const })) });
        polls.push({ request, signal, answer });
        signal.addEventListener('abort', () => answer(0));
      }),
  };
  const holder = new PollRelay(holderBus, bridge);
  closers.push(() => holder.close());
  const reached = new PollRelay(reachedBus, { ...bridge, session: () => undefined });
  closers.push(() => reached.close());
  return { hub, holderBus, holder, reached, asked, polls };
}

/** Resolves once `test` holds, checking at each turn of the event loop. */
async function until(test: () => boolean): Promise<void> {
  while (!test()) await new Promise((resolve) => setImmediate(resolve));
}

describe('the long-poll relay', () => {
  it("answers a GET where the session lives, and ends it there when the device's request ends", async () => {
    const { reached, polls } = await twoNodes();
    const first = reached.forward(SESSION, GET, new AbortController().signal);
    await until(() => polls.length === 1);
    polls[0]?.answer(2);
    expect(await first).toEqual({ status: 200, messages: [{ type: 'pong' }, { type: 'pong' }] });

    const device = new AbortController();
    const second = reached.forward(SESSION, { method: 'GET', after: 2 }, device.signal);
    await until(() => polls.length === 2);
    expect(polls[1]?.request).toEqual({ method: 'GET', after: 2 });
    device.abort();
    await until(() => polls[1]?.signal.aborted === true);
    await second;
  });

  it('asks the other nodes once for polls of one session, and not again at once for one nobody holds', async () => {
    const { reached, asked, polls } = await twoNodes();
    const both = [GET, { method: 'POST', body: { messages: [] } } as const].map((request) =>
      reached.forward(SESSION, request, new AbortController().signal),
    );
    await until(() => polls.length === 2);
    for (const poll of polls) poll.answer(1);
    await Promise.all(both);
    // One question (holds), then each poll found the session where it was answered.
    expect(asked.filter((id) => id === SESSION)).toHaveLength(3);

    const nobody = 'N'.repeat(22);
    expect(await reached.forward(nobody, GET, new AbortController().signal)).toBe('none');
    expect(await reached.forward(nobody, GET, new AbortController().signal)).toBe('none');
    expect(asked.filter((id) => id === nobody)).toHaveLength(1);
    // Not a session id: nobody is asked.
    expect(await reached.forward('not-a-session', GET, new AbortController().signal)).toBe('none');
    expect(asked).not.toContain('not-a-session');
  });

  it('is unavailable, not a missing session, when the holder cannot be asked', async () => {
    const { reached, holder } = await twoNodes();
    // The holder is on the bus but does not answer the relay's questions.
    holder.close();
    expect(await reached.forward(SESSION, GET, new AbortController().signal)).toBe('unavailable');
  });

  it('ends the polls waiting on a holder that dies: its session is gone', async () => {
    const { hub, reached, polls } = await twoNodes();
    const waiting = reached.forward(SESSION, GET, new AbortController().signal);
    await until(() => polls.length === 1);
    hub.down('holder', 'reached');
    expect(await waiting).toBe('none');
  });
});
