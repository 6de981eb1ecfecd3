import { describe, expect, it } from 'vitest';
import type { SipMediaAdapter } from './adapter.js';
import { startSipMedia } from './server.js';
import { splitPorts } from './webrtc-options.js';

describe('splitPorts', () => {
  it('gives WebRTC the top quarter of the RTP range by default, without overlap', () => {
    expect(splitPorts([10000, 19999], undefined)).toEqual({ rtp: [10000, 17499], webrtc: [17500, 19999] });
  });
  it('keeps the whole range for RTP when WebRTC has its own ports, is off, or the range is tiny', () => {
    expect(splitPorts([10000, 19999], { ports: [30000, 30999] })).toEqual({
      rtp: [10000, 19999],
      webrtc: [30000, 30999],
    });
    expect(splitPorts([10000, 19999], false)).toEqual({ rtp: [10000, 19999] });
    expect(splitPorts([10000, 10009], undefined)).toEqual({ rtp: [10000, 10009] });
  });
});

/** `patchbay serve --media sip` on 127.0.63.1 with these options on top (nothing fetched, no directory asked). */
function start(options: Partial<Parameters<typeof startSipMedia>[0]>) {
  return startSipMedia(
    {
      listen: [{ host: '127.0.63.1', port: 0, transports: ['udp'] }],
      rtpPorts: { min: 43180, max: 43199 },
      allow: [],
      trunks: [],
      ...options,
    },
    { directory: {} as never, egress: {} as never, warn: () => undefined },
  );
}

describe('startSipMedia with the WebRTC options serve passes', () => {
  it('uses the driver, ports and candidate address given, and says so in its start-up lines', async () => {
    const started = await start({
      rtpPorts: { min: 43180, max: 43189 },
      publicAddress: '127.0.63.6',
      webrtc: { driver: 'werift', address: '127.0.63.5', ports: { min: 43190, max: 43199 } },
    });
    try {
      expect((started.adapter as SipMediaAdapter).webrtc).toMatchObject({ name: 'werift', address: '127.0.63.5' });
      expect(started.listening).toContain('webrtc (devices, werift) udp 43190-43199, candidates 127.0.63.5');
    } finally {
      await started.close();
    }
  });

  it('without an address of its own, candidates name an IP --public-address, else the listening address', async () => {
    for (const [publicAddress, address] of [
      ['127.0.63.6', '127.0.63.6'],
      ['voice.example.org', '127.0.63.1'],
    ] as const) {
      const started = await start({ publicAddress });
      try {
        expect((started.adapter as SipMediaAdapter).webrtc).toMatchObject({ name: 'node-datachannel', address });
      } finally {
        await started.close();
      }
    }
  });
});
