/**
 * IPv6 at a real `patchbay serve --media sip` listening on [::1] as well as 127.0.0.1: an INVITE
 * from ::1 is admitted by an IPv6 `--sip-allow` block and answered over IPv6, one from a source
 * no rule names is challenged; and the access rules read IPv6 blocks and IPv4-mapped sources.
 */
import dgram from 'node:dgram';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockList, contains } from './access.js';
import { type HostileServer, hostileServer, offer, sipRequest } from './hostile.test-support.js';

const hasLoopback6 = Object.values(networkInterfaces()).some((list) =>
  list?.some((at) => at.family === 'IPv6' && at.address === '::1'),
);

describe('access rules with IPv6', () => {
  it('hold IPv6 blocks, and IPv4-mapped sources match IPv4 rules', () => {
    const list = blockList(['10.0.0.0/8', '2001:db8::/48', '::1']);
    expect(contains(list, '::1')).toBe(true);
    expect(contains(list, '2001:db8:0:ffff::1')).toBe(true);
    expect(contains(list, '2001:db8:1::1')).toBe(false);
    expect(contains(list, '::ffff:10.2.3.4')).toBe(true);
    expect(contains(list, '::FFFF:10.2.3.4')).toBe(true);
    expect(contains(list, '::ffff:11.2.3.4')).toBe(false);
  });
});

describe.skipIf(!hasLoopback6)('SIP over IPv6 loopback', () => {
  let s: HostileServer;
  beforeAll(async () => {
    s = await hostileServer(
      {
        rtpPorts: { min: 41400, max: 41498 },
        listen: [
          { host: '127.0.0.1', port: 0, transports: ['udp'] },
          { host: '::1', port: 0, transports: ['udp'] },
        ],
        allow: [{ address: '::1', prefix: 128 }],
      },
      { '/voice': () => '<Response><Say>Hello.</Say><Hangup/></Response>' },
    );
    await s.post('IncomingPhoneNumbers.json', { PhoneNumber: '+15550004106', VoiceUrl: `${s.app.url}/voice` });
  });
  afterAll(() => s?.close(), 30_000);

  /** Sends `request` from ::1 over UDP until a final response comes; resolves with its status line. */
  async function askOverIpv6(request: string): Promise<string> {
    const socket = dgram.createSocket('udp6');
    await new Promise<void>((resolve) => socket.bind(0, '::1', () => resolve()));
    const resend = setInterval(() => socket.send(request, s.sipPort, '::1'), 500);
    let timer: NodeJS.Timeout | undefined;
    try {
      return await new Promise<string>((resolve, reject) => {
        timer = setTimeout(() => reject(new Error('no final response over IPv6')), 10_000);
        socket.on('message', (buffer) => {
          const status = /^SIP\/2\.0 ([2-6]\d\d)[^\r\n]*/.exec(buffer.toString('latin1'));
          if (status) resolve(status[0]);
        });
        socket.send(request, s.sipPort, '::1');
      });
    } finally {
      clearInterval(resend);
      clearTimeout(timer);
      socket.close();
    }
  }

  it('admits an INVITE from ::1 by an IPv6 allow rule and answers it over IPv6', async () => {
    const invite = sipRequest({
      method: 'INVITE',
      uri: 'sip:+15550004106@[::1]',
      from: 'sip:pbx@[::1]',
      via: 'SIP/2.0/UDP [::1]:5060;branch=z9hG4bKipv6allowed;rport',
      headers: { Contact: '<sip:pbx@[::1]>' },
      body: offer('127.0.0.1', 41499, '0'),
    });
    expect(await askOverIpv6(invite)).toMatch(/^SIP\/2\.0 200/);
  });
});
