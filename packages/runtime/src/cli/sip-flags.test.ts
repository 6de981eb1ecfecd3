/**
 * `patchbay serve`'s media flags: what they give the server (typed SipMediaOptions), and each
 * mistake a usage error naming the flag (exit 2), in a real `patchbay` process.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanUpProcesses, dataDirectory, runPatchbay } from './processes.test-support.js';
import { mediaOptions, trunkPasswordVariable } from './sip-flags.js';

afterEach(cleanUpProcesses);

const FRESH = { PATCHBAY_ACCOUNT_SID: '', PATCHBAY_AUTH_TOKEN: '' };
const see = '(invalid-value): see `patchbay serve --help`';

describe('the media options the flags give', () => {
  it('are the simulated network by default, and SIP defaults with --media sip alone', () => {
    expect(mediaOptions({}, {})).toEqual({ kind: 'simulated' });
    expect(mediaOptions({ media: 'sip' }, {})).toEqual({
      kind: 'sip',
      listen: [{ host: '0.0.0.0', port: 5060, transports: ['udp', 'tcp'] }],
      rtpPorts: { min: 10_000, max: 20_000 },
      allow: [],
      trunks: [],
    });
  });

  it('collect every SIP flag, trunk passwords from the command line or the environment', () => {
    const options = mediaOptions(
      {
        media: 'sip',
        'sip-listen': ['127.0.0.1:5080', 'udp:[::1]:5090'],
        'sip-tls-listen': ['127.0.0.1:5061'],
        'sip-tls-cert': '/etc/cert.pem',
        'sip-tls-key': '/etc/key.pem',
        'rtp-ports': '30000-30100',
        'sip-allow': ['127.0.0.2', '10.1.0.0/16', '::1', '2001:db8::/48'],
        'public-address': 'voice.example.org',
        'sip-trunk': ['carrier=sip:127.0.0.2:5062', 'backup=sips:edge.example.net'],
        'sip-trunk-credentials': ['carrier=patchbay:s3cret:with:colons', 'backup=pb'],
        'sip-rtp-timeout': '45',
        'sip-rate': '200',
        'sip-trunk-register': ['carrier'],
      },
      { [trunkPasswordVariable('backup')]: 'from-the-environment' },
    );
    expect(options).toEqual({
      kind: 'sip',
      listen: [
        { host: '127.0.0.1', port: 5080, transports: ['udp', 'tcp'] },
        { host: '::1', port: 5090, transports: ['udp'] },
      ],
      tls: { listen: [{ host: '127.0.0.1', port: 5061 }], certFile: '/etc/cert.pem', keyFile: '/etc/key.pem' },
      rtpPorts: { min: 30_000, max: 30_100 },
      allow: [
        { address: '127.0.0.2', prefix: 32 },
        { address: '10.1.0.0', prefix: 16 },
        { address: '::1', prefix: 128 },
        { address: '2001:db8::', prefix: 48 },
      ],
      publicAddress: 'voice.example.org',
      rtpTimeoutMs: 45_000,
      requestsPerSecondPerSource: 200,
      trunks: [
        {
          name: 'carrier',
          uri: 'sip:127.0.0.2:5062',
          credentials: { username: 'patchbay', password: 's3cret:with:colons' },
          register: true,
        },
        {
          name: 'backup',
          uri: 'sips:edge.example.net',
          credentials: { username: 'pb', password: 'from-the-environment' },
        },
      ],
    });
    expect(trunkPasswordVariable('my-carrier')).toBe('PATCHBAY_SIP_TRUNK_PASSWORD_MY_CARRIER');
  });
});

// Each test starts `patchbay serve` processes: seconds on a loaded 2-core CI machine, not the default 5.
describe('patchbay serve refuses bad media flags', { timeout: 30_000 }, () => {
  /** Runs `serve` expecting a usage error: its exit code and the lines on stderr. */
  async function refused(args: string[], env: Record<string, string> = {}) {
    const data = await dataDirectory('patchbay-sip-flags-');
    const { code, stdout, stderr } = await runPatchbay(['serve', '--port', '0', '--data', data, ...args], {
      ...FRESH,
      ...env,
    });
    expect(stdout).toBe('');
    return { code, lines: stderr.split('\n').filter(Boolean) };
  }

  it('naming the flag and what is wrong with its value (exit 2)', async () => {
    const pem = join(await dataDirectory('patchbay-pem-'), 'not.pem');
    await writeFile(pem, 'not a certificate');
    for (const [flags, line] of [
      [
        ['--media', 'webrtc'],
        'patchbay: --media "webrtc" is not one of simulated, sip (invalid-value): see `patchbay serve --help`',
      ],
      [
        ['--sip-listen', '5060'],
        `patchbay: --sip-listen: "5060" is not <ip>:<port> (an IPv4 address, or [IPv6]; udp: or tcp: before it for one transport) ${see}`,
      ],
      [
        ['--sip-listen', '127.0.0.1:70000'],
        `patchbay: --sip-listen: the port of "127.0.0.1:70000" must be from 1 to 65535 ${see}`,
      ],
      [
        ['--rtp-ports', '20000-10000'],
        `patchbay: --rtp-ports: "20000-10000" is not <lo>-<hi> with 1024 <= lo < hi <= 65535 ${see}`,
      ],
      [
        ['--sip-allow', '0.0.0.0/0'],
        `patchbay: --sip-allow: "0.0.0.0/0" allows too much (a prefix of at least 8: never an open door) ${see}`,
      ],
      [
        ['--sip-allow', 'pbx.example.com'],
        `patchbay: --sip-allow: "pbx.example.com" is not an IPv4 or IPv6 address or <address>/<prefix> ${see}`,
      ],
      [
        ['--sip-allow', '2001:db8::/16'],
        `patchbay: --sip-allow: "2001:db8::/16" allows too much (a prefix of at least 32: never an open door) ${see}`,
      ],
      [
        ['--sip-trunk', 'carrier=http://x'],
        `patchbay: --sip-trunk: "http://x" is not a sip: or sips: URI with a host ${see}`,
      ],
      [['--sip-tls-cert', pem], `patchbay: --sip-tls-cert: ${pem} is not a PEM file ${see}`],
      [
        ['--public-address', 'bad_host'],
        `patchbay: --public-address: "bad_host" is not an IPv4 address or a host name ${see}`,
      ],
      [['--sip-rate', 'fast'], `patchbay: --sip-rate: "fast" is not a whole number from 0 to 100000 ${see}`],
      [['--sip-rtp-timeout', '-1'], `patchbay: --sip-rtp-timeout: "-1" is not a whole number from 0 to 3600 ${see}`],
      [
        ['--sip-domain-suffix', 'bad_suffix'],
        `patchbay: --sip-domain-suffix: "bad_suffix" is not a DNS label (letters, digits and '-', not first nor last) ${see}`,
      ],
    ] as const) {
      expect(await refused([...flags]), flags.join(' ')).toEqual({ code: 2, lines: [line] });
    }
    // One patchbay process per case, one after another: seconds on a loaded machine.
  }, 60_000);

  it('that go together, and SIP flags without --media sip', async () => {
    expect(await refused(['--sip-allow', '127.0.0.2'])).toEqual({
      code: 2,
      lines: [`patchbay: --sip-allow is for --media sip (the simulated network has no SIP) ${see}`],
    });
    expect(await refused(['--media', 'sip', '--sip-tls-listen', '127.0.0.1:5061'])).toEqual({
      code: 2,
      lines: [
        `patchbay: SIP over TLS needs --sip-tls-listen, --sip-tls-cert and --sip-tls-key: --sip-tls-cert is missing ${see}`,
      ],
    });
    expect(await refused(['--media', 'sip', '--sip-trunk-credentials', 'carrier=pb:Secret'])).toEqual({
      code: 2,
      lines: [`patchbay: --sip-trunk-credentials: no --sip-trunk is named "carrier" ${see}`],
    });
    expect(
      await refused([
        '--media',
        'sip',
        '--sip-trunk',
        'carrier=sip:127.0.0.2',
        '--sip-trunk-credentials',
        'carrier=pb',
      ]),
    ).toEqual({
      code: 2,
      lines: [
        `patchbay: --sip-trunk-credentials: carrier has no password: give <user>:<password> or set PATCHBAY_SIP_TRUNK_PASSWORD_CARRIER ${see}`,
      ],
    });
    expect(
      await refused(['--media', 'sip', '--sip-trunk', 'carrier=sip:127.0.0.2', '--sip-trunk-register', 'carrier']),
    ).toEqual({
      code: 2,
      lines: [
        `patchbay: --sip-trunk-register: carrier has no credentials to register with: give --sip-trunk-credentials carrier=<user>:<password> ${see}`,
      ],
    });
  });
});
