/**
 * `idle` ("outbox empty: every status callback delivered" in the server's log) means the outbox
 * holds nothing more to send: not while a callback a dead process had claimed waits for its
 * claim to run out, nor while a retry waits for its time.
 */
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../clock/virtual.js';
import { MemoryStore } from '../store/memory.js';
import { startAppServer } from '../testing/app-server.js';
import { DurableCallbacks } from './durable-callbacks.js';

const ACCOUNT = `AC${'5'.repeat(32)}`;
const CALLS = [`CA${'6'.repeat(32)}`, `CA${'7'.repeat(32)}`];
const LEASE_MS = 2000;

describe.each([
  ['on its own store', {}],
  ['on a shared store', { owner: 'node-b', leaseMs: LEASE_MS }],
])('DurableCallbacks %s', (_, shared) => {
  it('is not idle while a callback another process claimed before it died waits for its claim to run out', async () => {
    const delivered: string[] = [];
    await using app = await startAppServer({
      '/status': (request) => {
        delivered.push(String(request.params.CallSid));
        return '';
      },
    });
    const clock = new VirtualClock();
    const store = new MemoryStore();
    for (const sid of CALLS)
      await store.outbox.add({
        key: `${sid}:0`,
        accountSid: ACCOUNT,
        url: `${app.url}/status`,
        method: 'POST',
        params: { AccountSid: ACCOUNT, CallSid: sid, CallStatus: 'completed' },
        nextAttemptAt: clock.now(),
      });
    // The process that died had claimed the second call's callback and not sent it.
    await store.outbox.claim({ now: clock.now(), owner: 'node-a', leaseMs: LEASE_MS, limit: 1, ids: [2] });

    const callbacks = new DurableCallbacks(store, clock, async () => 'token', shared);
    let idle = 0;
    callbacks.events.on('idle', () => idle++);
    // Time stands still until the first is delivered: the claim has not run out yet.
    const release = clock.hold();
    try {
      callbacks.start();
      await expect.poll(() => delivered).toEqual([CALLS[0]]);
      await callbacks.drain();
      expect(idle).toBe(0);

      const idled = new Promise<void>((resolve) => callbacks.events.once('idle', () => resolve()));
      release();
      await idled;
      expect(delivered).toEqual(CALLS);
      expect(clock.now()).toBeGreaterThanOrEqual(LEASE_MS + 1_767_225_600_000);
    } finally {
      await callbacks.close();
    }
  });
});
