import { describe, expect, it } from 'vitest';
import { toMedia } from '../adapters/simulated/trunk-leg.js';
import { VirtualClock } from '../clock/virtual.js';
import { BusHub, InProcessBus } from './bus-memory.js';
import { conferenceKey, NodeLoad, place } from './placement.js';

type Node = { bus: InProcessBus; load: NodeLoad };

/** Nodes on one hub, each with its load published. */
async function nodes(loads: Record<string, number>, hub = new BusHub(new VirtualClock())): Promise<Node[]> {
  return Promise.all(
    Object.entries(loads).map(async ([id, calls]) => {
      const bus = new InProcessBus({ nodeId: id, hub });
      await bus.start();
      const load = new NodeLoad(bus, () => calls, 10_000);
      await load.publish();
      return { bus, load };
    }),
  );
}

describe('placement by load', () => {
  it('places a conference on the live node with the fewest calls, and every later caller finds it there', async () => {
    const [a, b, c] = (await nodes({ 'node-a': 3, 'node-b': 1, 'node-c': 2 })) as [Node, Node, Node];
    const key = conferenceKey('AC1', 'standup');
    expect(await place(a.bus, a.load, key, 10_000)).toBe('node-b');
    expect(await place(c.bus, c.load, key, 10_000)).toBe('node-b');
    expect(await place(b.bus, b.load, key, 10_000)).toBe('node-b');
    // Another name, another account: placed on its own.
    expect(conferenceKey('AC2', 'standup')).not.toBe(key);
  });

  it('keeps a conference on the node placing it when the loads tie, and ignores a node that has not published', async () => {
    const hub = new BusHub(new VirtualClock());
    const [a] = (await nodes({ 'node-a': 1, 'node-b': 1 }, hub)) as [Node];
    const quiet = new InProcessBus({ nodeId: 'node-0', hub });
    await quiet.start();
    expect(await place(a.bus, a.load, conferenceKey('AC1', 'tie'), 10_000)).toBe('node-a');
  });

  it('places afresh a conference whose node is gone', async () => {
    const [a, b] = (await nodes({ 'node-a': 5, 'node-b': 0 })) as [Node, Node];
    const key = conferenceKey('AC1', 'ops');
    expect(await place(a.bus, a.load, key, 10_000)).toBe('node-b');
    await b.bus.close();
    expect(await place(a.bus, a.load, key, 10_000)).toBe('node-a');
  });

  it('two nodes placing the same new conference at once agree', async () => {
    const [a, b] = (await nodes({ 'node-a': 0, 'node-b': 0 })) as [Node, Node];
    const key = conferenceKey('AC1', 'race');
    const [first, second] = await Promise.all([place(a.bus, a.load, key, 10_000), place(b.bus, b.load, key, 10_000)]);
    expect(first).toBe(second);
  });
});

describe('trunk frames', () => {
  it('refuses a frame that is not simulated media, with a typed error', () => {
    expect(toMedia({ kind: 'digits', digits: '12#' })).toEqual({ kind: 'digits', digits: '12#' });
    for (const frame of [null, 'beep', { kind: 'video' }, { kind: 'digits', digits: '1; rm' }, { kind: 'speech' }])
      expect(() => toMedia(frame)).toThrowError(
        expect.objectContaining({ code: 'trunk-frame-invalid', numericCode: 91350 }),
      );
  });
});
