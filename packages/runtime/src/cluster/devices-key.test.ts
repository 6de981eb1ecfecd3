import { describe, expect, it } from 'vitest';
import { BusHub, InProcessBus } from './bus-memory.js';
import { sharedCallTokenKey } from './devices-key.js';

describe('the call-token key of a cluster', () => {
  it('is drawn once and read by every node; a bad stored key is refused', async () => {
    const hub = new BusHub();
    const [a, b] = [new InProcessBus({ nodeId: 'node-a', hub }), new InProcessBus({ nodeId: 'node-b', hub })];
    const [keyA, keyB] = await Promise.all([sharedCallTokenKey(a), sharedCallTokenKey(b)]);
    expect(keyA).toHaveLength(32);
    expect(Buffer.from(keyB).equals(Buffer.from(keyA))).toBe(true);
    const other = new InProcessBus({ nodeId: 'node-c', hub: new BusHub() });
    await other.setKey('devices:call-token-key', 'not-hex', 60_000);
    await expect(sharedCallTokenKey(other)).rejects.toMatchObject({ code: 'device-relay-invalid', numericCode: 91340 });
  });
});
