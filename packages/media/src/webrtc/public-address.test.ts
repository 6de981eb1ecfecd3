/**
 * A public address for WebRTC behind a 1:1 NAT: Patchbay's host candidates name the public
 * address, not the one its sockets are bound to, and devices connect through it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DataChannelTransport } from './datachannel.js';
import { announced } from './options.js';
import { connectedDevice } from './test-device.test-support.js';
import type { WebRtcTransport, WebRtcTransportOptions } from './transport.js';
import { WeriftTransport } from './werift.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const PUBLIC = '127.0.63.5';
const candidates = (sdp: string) => sdp.split('\r\n').filter((l) => l.startsWith('a=candidate:'));

async function connects(transport: WebRtcTransport): Promise<string> {
  cleanups.push(() => transport.close());
  const { session } = await connectedDevice(transport, '127.0.63.2', [43090, 43099], (c) => cleanups.push(c));
  return session.localSdp;
}

describe('a public address in WebRTC candidates', () => {
  it.each([
    ['node-datachannel', (o: WebRtcTransportOptions) => new DataChannelTransport(o)],
    ['werift', (o: WebRtcTransportOptions) => new WeriftTransport(o)],
  ] as const)('%s names it in every host candidate, and the device connects', async (_name, make) => {
    const sdp = await connects(make({ bindAddress: '127.0.63.1', publicAddress: PUBLIC, portRange: [43080, 43089] }));
    expect(candidates(sdp).length).toBeGreaterThan(0);
    for (const line of candidates(sdp)) expect(line).toMatch(/ 127\.0\.63\.5 \d+ typ host/);
    expect(sdp).not.toContain('127.0.63.1');
  });

  it('bound to every interface behind the "NAT": the device reaches it through the public address alone', async () => {
    const sdp = await connects(
      new DataChannelTransport({ bindAddress: '0.0.0.0', publicAddress: PUBLIC, portRange: [43080, 43089] }),
    );
    expect(candidates(sdp)).toHaveLength(1);
    expect(candidates(sdp)[0]).toMatch(/ 127\.0\.63\.5 \d+ typ host/);
  });

  it('rewrites host candidates and the connection line only', () => {
    const sdp = [
      'v=0',
      'c=IN IP4 10.0.0.5',
      'a=candidate:1 1 UDP 2122317823 10.0.0.5 43001 typ host',
      'a=candidate:2 1 UDP 2122317823 172.17.0.2 43001 typ host',
      'a=candidate:3 1 UDP 1686052607 198.51.100.1 43001 typ srflx raddr 10.0.0.5 rport 43001',
      '',
    ].join('\r\n');
    expect(announced(sdp, { bindAddress: '0.0.0.0', publicAddress: '203.0.113.7', portRange: [43000, 43009] })).toBe(
      [
        'v=0',
        'c=IN IP4 203.0.113.7',
        'a=candidate:1 1 UDP 2122317823 203.0.113.7 43001 typ host',
        'a=candidate:3 1 UDP 1686052607 198.51.100.1 43001 typ srflx raddr 10.0.0.5 rport 43001',
        '',
      ].join('\r\n'),
    );
    expect(announced(sdp, { bindAddress: '0.0.0.0', portRange: [43000, 43009] })).toBe(sdp);
  });
});
