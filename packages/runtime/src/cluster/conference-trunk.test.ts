import { describe, expect, it } from 'vitest';
import { SimulatedNetwork } from '../adapters/simulated/network.js';
import { PatchbayError } from '../errors.js';
import type { MediaAdapter, RtpEndpoint, RtpTrunk } from '../media/types.js';
import { openEnd } from './conference-trunk.js';
import { rtpEndpoint } from './conference-wire.js';

const codeOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error instanceof PatchbayError ? error.code : String(error);
  }
  return 'no error';
};

/** The simulated network with RTP trunks: ends whose connects are recorded. */
function withRtp(network: SimulatedNetwork, connects: RtpEndpoint[]): MediaAdapter {
  const openTrunk = async (request: { address: string }): Promise<RtpTrunk> => {
    const leg = network.trunkLeg({ address: request.address, send: () => undefined });
    return {
      address: '10.0.0.1',
      port: 40_000,
      leg,
      connect: (remote) => void connects.push(remote),
      remoteHangup: () => leg.remoteHangup(),
    };
  };
  return Object.assign(Object.create(network) as SimulatedNetwork, { openTrunk, trunkLeg: undefined });
}

describe('rtpEndpoint (an RTP endpoint from another node)', () => {
  it('takes an IP address and a port', () => {
    expect(rtpEndpoint({ address: '10.0.0.2', port: 40_002 }, 'join')).toEqual({ address: '10.0.0.2', port: 40_002 });
    expect(rtpEndpoint({ address: 'fd00::2', port: 1, extra: true }, 'join')).toEqual({ address: 'fd00::2', port: 1 });
  });

  it('refuses anything else with 91351, naming where it came from', () => {
    for (const bad of [
      undefined,
      null,
      'x',
      { address: 'node-b.internal', port: 40_000 },
      { address: '0.0.0.0', port: 40_000 },
      { address: '::', port: 40_000 },
      { address: '10.0.0.2', port: 0 },
      { address: '10.0.0.2', port: 65_536 },
      { address: '10.0.0.2', port: 4.5 },
      { address: '10.0.0.2', port: '40000' },
    ])
      expect(codeOf(() => rtpEndpoint(bad, 'join from node-b'))).toBe('conference-placement-failed');
    expect(() => rtpEndpoint({}, 'join from node-b')).toThrow(/join from node-b/);
  });
});

describe('openEnd (a node end of a conference trunk)', () => {
  it('opens an RTP end where the adapter has them: its endpoint to send, frames refused (91350)', async () => {
    const connects: RtpEndpoint[] = [];
    const end = await openEnd(withRtp(new SimulatedNetwork(), connects), 'trunk:node-b/CA1', () => undefined, true);
    expect(end.rtp).toEqual({ address: '10.0.0.1', port: 40_000 });
    end.connect({ address: '10.0.0.2', port: 40_002 });
    expect(connects).toEqual([{ address: '10.0.0.2', port: 40_002 }]);
    expect(codeOf(() => end.deliver({ kind: 'beep' }))).toBe('trunk-frame-invalid');
  });

  it('opens a frames end on the simulated network: no endpoint, frames delivered', async () => {
    const sent: unknown[] = [];
    const network = new SimulatedNetwork();
    const end = await openEnd(network, 'trunk:node-b/CA1', (frame) => sent.push(frame), false);
    expect(end.rtp).toBeUndefined();
    expect(codeOf(() => end.deliver({ kind: 'nonsense' }))).toBe('trunk-frame-invalid');
    await network.close();
  });

  it('refuses (91351) when the other node carries media the other way', async () => {
    const frames = new SimulatedNetwork();
    await expect(openEnd(frames, 'trunk:node-b/CA1', () => undefined, true)).rejects.toMatchObject({
      code: 'conference-placement-failed',
    });
    await expect(openEnd(withRtp(frames, []), 'trunk:node-b/CA1', () => undefined, false)).rejects.toMatchObject({
      code: 'conference-placement-failed',
    });
    await frames.close();
  });
});
