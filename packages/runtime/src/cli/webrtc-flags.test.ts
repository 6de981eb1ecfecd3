/**
 * `patchbay serve`'s WebRTC flags: what they give the server, and each mistake a usage error
 * naming the flag (exit 2), in a real `patchbay` process.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cleanUpProcesses, dataDirectory, runPatchbay } from './processes.test-support.js';
import { mediaOptions } from './sip-flags.js';
import { withWebRtc } from './webrtc-flags.js';

afterEach(cleanUpProcesses);

const see = '(invalid-value): see `patchbay serve --help`';
const sip = mediaOptions({ media: 'sip', 'rtp-ports': '10000-17499' }, {});

describe('the WebRTC options the flags give', () => {
  it('leave the defaults alone without flags, and collect ports, driver and address', () => {
    expect(withWebRtc(sip, {})).toEqual(sip);
    expect(
      withWebRtc(sip, { 'webrtc-ports': '17500-19999', 'webrtc-driver': 'werift', 'webrtc-address': '203.0.113.7' }),
    ).toEqual({
      ...sip,
      webrtc: { ports: { min: 17_500, max: 19_999 }, driver: 'werift', address: '203.0.113.7' },
    });
    expect(withWebRtc(sip, { 'webrtc-address': '2001:db8::7' })).toEqual({
      ...sip,
      webrtc: { address: '2001:db8::7' },
    });
  });

  it('--no-webrtc turns device audio off', () => {
    expect(withWebRtc(sip, { 'no-webrtc': true })).toEqual({ ...sip, webrtc: false });
  });
});

describe('patchbay serve refuses bad WebRTC flags', () => {
  async function refused(args: string[]) {
    const data = await dataDirectory('patchbay-webrtc-flags-');
    const { code, stdout, stderr } = await runPatchbay(['serve', '--port', '0', '--data', data, ...args], {
      PATCHBAY_ACCOUNT_SID: '',
      PATCHBAY_AUTH_TOKEN: '',
    });
    expect(stdout).toBe('');
    return { code, lines: stderr.split('\n').filter(Boolean) };
  }

  it('naming the flag and what is wrong (exit 2)', async () => {
    for (const [flags, line] of [
      [
        ['--media', 'sip', '--webrtc-ports', '9000-100'],
        `patchbay: --webrtc-ports: "9000-100" is not <lo>-<hi> with 1024 <= lo < hi <= 65535 ${see}`,
      ],
      [
        ['--media', 'sip', '--webrtc-driver', 'wrtc'],
        `patchbay: --webrtc-driver "wrtc" is not one of node-datachannel, werift ${see}`,
      ],
      [
        ['--media', 'sip', '--webrtc-address', 'voice.example.org'],
        `patchbay: --webrtc-address: "voice.example.org" is not an IPv4 or IPv6 address ${see}`,
      ],
      [
        ['--webrtc-driver', 'werift'],
        `patchbay: --webrtc-driver is for --media sip (the simulated network has no WebRTC) ${see}`,
      ],
      [['--no-webrtc'], `patchbay: --no-webrtc is for --media sip (the simulated network has no WebRTC) ${see}`],
      [
        ['--media', 'sip', '--no-webrtc', '--webrtc-ports', '30000-30999'],
        `patchbay: --no-webrtc and --webrtc-ports contradict each other ${see}`,
      ],
      [
        ['--media', 'sip', '--rtp-ports', '10000-20000', '--webrtc-ports', '19000-21000'],
        `patchbay: --webrtc-ports 19000-21000 overlaps --rtp-ports 10000-20000: give each its own ports ${see}`,
      ],
      [
        ['--media', 'sip', '--webrtc-ports', '17500-20000'],
        `patchbay: --webrtc-ports 17500-20000 overlaps --rtp-ports 10000-20000: give each its own ports ${see}`,
      ],
    ] as const) {
      expect(await refused([...flags]), flags.join(' ')).toEqual({ code: 2, lines: [line] });
    }
  }, 60_000);
});
