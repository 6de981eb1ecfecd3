/**
 * Far ends kept in the store: two servers on one store, each with its own simulated network (as
 * nodes of a cluster are), share them: one lists, fetches and deletes what the other created, and
 * a call placed on either meets them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryStore } from '../store/memory.js';
import { type ApiHarness, startApiHarness } from './harness.test-support.js';
import { rest } from './simulator.test-support.js';

const FAR = '+15550430001';
const CALLER = '+15550430999';
const harnesses: ApiHarness[] = [];
afterEach(async () => {
  for (const harness of harnesses.splice(0)) await harness.close();
});

describe('Simulator/Numbers on servers sharing a store', () => {
  it('are listed by every server, and a call placed on another one meets the far end', async () => {
    const store = new MemoryStore();
    const [a, b] = [await startApiHarness({ store }), await startApiHarness({ store })] as [ApiHarness, ApiHarness];
    harnesses.push(a, b);
    expect(a.network).not.toBe(b.network);
    expect((await rest(a, 'POST', 'Simulator/Numbers.json', { Number: FAR, OnCall: 'busy' })).status).toBe(201);
    expect((await rest(b, 'GET', 'Simulator/Numbers.json')).json.numbers).toMatchObject([{ number: FAR }]);

    const busy = await b.client.calls.create({ to: FAR, from: CALLER, twiml: '<Response/>' });
    expect((await b.runtime.calls.ended(busy.sid)).status).toBe('busy');

    expect((await rest(b, 'DELETE', `Simulator/Numbers/${encodeURIComponent(FAR)}.json`)).status).toBe(204);
    expect((await rest(a, 'GET', `Simulator/Numbers/${encodeURIComponent(FAR)}.json`)).status).toBe(404);
    const answered = await a.client.calls.create({ to: FAR, from: CALLER, twiml: '<Response/>' });
    expect((await a.runtime.calls.ended(answered.sid)).status).toBe('completed');
  });
});
