/**
 * A dead node's claimed callbacks: the survivor that takes the node over releases its claims on
 * the shared outbox, so they are delivered at once instead of after their lease (60 s here, far
 * longer than the test may take), on PostgreSQL and on the memory store in-process clusters share.
 */
import { describe, expect, it } from 'vitest';
import { SimulatedNetwork } from '../adapters/simulated/network.js';
import { systemClock } from '../clock/clock.js';
import { createRuntime } from '../runtime.js';
import { MemoryStore } from '../store/memory.js';
import { PostgresStore } from '../store/postgres.js';
import { usePostgres } from '../store/postgres.test-support.js';
import type { Store } from '../store/types.js';
import { startAppServer } from '../testing/app-server.js';
import { DurableCallbacks } from '../webhooks/durable-callbacks.js';
import { BusHub, InProcessBus } from './bus-memory.js';
import { ClusterNode } from './nodes.js';

const ACCOUNT = `AC${'c'.repeat(32)}`;
const CALL = `CA${'c'.repeat(32)}`;
const tokenFor = async (sid: string) => (sid === ACCOUNT ? 'token' : undefined);
/** The bus notices a dead node within a second; a callback's claim lasts a minute. */
const BUS_LEASE = { leaseMs: 600, heartbeatMs: 100 };
const CLAIM_LEASE_MS = 60_000;

const postgres = usePostgres();
const STORES: Record<string, () => Promise<Store>> = {
  memory: async () => new MemoryStore(),
  postgres: async () => PostgresStore.open(await postgres().database()),
};

describe.each(Object.keys(STORES))('a dead node’s claimed callbacks (%s store)', (kind) => {
  it('are delivered by the survivor that takes the node over, without waiting out their lease', async () => {
    await using app = await startAppServer({ '/status': () => '' });
    const store = await (STORES[kind] as () => Promise<Store>)();
    const hub = new BusHub(systemClock);
    const node = (nodeId: string) =>
      new ClusterNode({ bus: new InProcessBus({ nodeId, hub, ...BUS_LEASE }), store, clock: systemClock });
    const [dead, survivor] = [node('node-a'), node('node-b')];
    await dead.start();
    await survivor.start();
    const runtime = createRuntime({ media: new SimulatedNetwork() });
    const callbacks = new DurableCallbacks(store, systemClock, tokenFor, { owner: 'node-b', leaseMs: CLAIM_LEASE_MS });
    try {
      // The survivor has looked at the (empty) outbox: it does not race node-a for the claim below.
      const looked = new Promise<void>((resolve) => callbacks.events.once('idle', () => resolve()));
      callbacks.start();
      await looked;
      survivor.attach(runtime, callbacks);
      // node-a took a callback to deliver, then died before it did (SIGKILL: it never left).
      await store.outbox.add({
        key: `${CALL}:0`,
        accountSid: ACCOUNT,
        url: `${app.url}/status`,
        method: 'POST',
        params: { AccountSid: ACCOUNT, CallSid: CALL, CallStatus: 'ringing', SequenceNumber: '0' },
        nextAttemptAt: 0,
      });
      const claimed = await store.outbox.claim({
        now: Date.now(),
        limit: 10,
        owner: 'node-a',
        leaseMs: CLAIM_LEASE_MS,
      });
      expect(claimed).toHaveLength(1);
      await dead.close({ leave: false });

      await new Promise((resolve) => callbacks.events.once('delivered', resolve));
      expect(app.requests.map((request) => request.params)).toEqual([
        expect.objectContaining({ CallSid: CALL, CallStatus: 'ringing', SequenceNumber: '0' }),
      ]);
      expect(await store.outbox.due(Number.MAX_SAFE_INTEGER, 10)).toEqual([]);
    } finally {
      await callbacks.close();
      await survivor.close();
      await runtime.close();
      await store.close();
    }
  });
});
