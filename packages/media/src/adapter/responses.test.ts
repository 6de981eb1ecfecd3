import { startAppServer } from '@patchbay/runtime/testing';
import { describe, expect, it } from 'vitest';
import { SipAgent } from '../sip/index.js';
import { startPhone } from '../testing/baresip.js';
import { awaited, cleanup, sipServer } from './server.test-support.js';

/** An SDP offer or answer for a party that never sends audio (the test reads signaling only). */
const silentSdp = (host: string, port: number) =>
  `v=0\r\no=- 1 1 IN IP4 ${host}\r\ns=-\r\nc=IN IP4 ${host}\r\nt=0 0\r\nm=audio ${port} RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n`;

async function agentOn(host: string): Promise<SipAgent> {
  const agent = await SipAgent.start({ listen: [{ transport: 'udp', host, port: 0 }] });
  cleanup.push(() => agent.close());
  return agent;
}

/**
 * A server whose app answers three numbers (`<prefix>1` busy, `<prefix>2` rejected, `<prefix>3`
 * says goodbye and hangs up), letting `caller` in without digest. Returns the SIP port.
 */
async function markupServer(prefix: string, caller: string, rtpPorts: [number, number]): Promise<number> {
  const app = await startAppServer({
    '/voice': (request) => {
      const to = String(request.params.To ?? '');
      if (to === `${prefix}1`) return '<Response><Reject reason="busy"/></Response>';
      if (to === `${prefix}2`) return '<Response><Reject reason="rejected"/></Response>';
      return '<Response><Say>Goodbye.</Say><Hangup/></Response>';
    },
  });
  cleanup.push(() => app.close());
  const { sipPort, post } = await sipServer({ rtpPorts, allow: [{ address: caller, prefix: 32 }] });
  for (const last of ['1', '2', '3']) {
    await post('IncomingPhoneNumbers.json', { PhoneNumber: prefix + last, VoiceUrl: `${app.url}/voice` });
  }
  return sipPort;
}

describe('what a SIP caller and a dialed SIP party see of the markup', () => {
  it('<Reject reason="busy"> answers 486, reason="rejected" 603, <Hangup> sends BYE after the answer', async () => {
    const sipPort = await markupServer('+1555010020', '127.0.0.125', [50400, 50598]);
    const caller = await agentOn('127.0.0.125');
    const call = (number: string) =>
      caller.invite(
        `sip:${number}@127.0.0.1:${sipPort}`,
        { from: '+15550100999', sdp: silentSdp('127.0.0.125', 50_990) },
        new AbortController().signal,
      );

    expect(await call('+15550100201')).toEqual({ outcome: 'failed', status: 486, reason: 'Busy Here' });
    expect(await call('+15550100202')).toEqual({ outcome: 'failed', status: 603, reason: 'Decline' });
    const answered = await call('+15550100203');
    if (answered.outcome !== 'answered') throw new Error(`not answered: ${JSON.stringify(answered)}`);
    const bye = new Promise<void>((resolve) => answered.dialog.events.once('bye', resolve));
    await bye;
    expect(answered.dialog.closed).toBe(true);
  });

  it('a baresip phone sees the same: 486 for busy, 603 for rejected, and the call closed by <Hangup>', async () => {
    const sipPort = await markupServer('+1555010021', '127.0.0.128', [51600, 51798]);
    const phone = await startPhone({ address: '127.0.0.128' });
    cleanup.push(() => phone.close());
    await phone.dial(`sip:+15550100211@127.0.0.1:${sipPort}`);
    expect(await phone.waitFor('closed', 10_000)).toMatch(/486/);
    await phone.dial(`sip:+15550100212@127.0.0.1:${sipPort}`);
    expect(await phone.waitFor('closed', 10_000)).toMatch(/603/);
    await phone.dial(`sip:+15550100213@127.0.0.1:${sipPort}`);
    await phone.waitFor('established', 10_000);
    // baresip 1.0 reports the far end's BYE as "Connection reset by peer".
    expect(await phone.waitFor('closed', 10_000)).toBe('Connection reset by peer');
  });

  it('<Dial><Sip> with username and password answers the far end challenge and carries the URI headers', async () => {
    const done = awaited('<Response/>');
    const far = await SipAgent.start({
      listen: [{ transport: 'udp', host: '127.0.0.126', port: 0 }],
      authorize: () => ({
        challenge: {
          realm: 'far.example',
          algorithms: ['MD5'],
          password: (user) => (user === 'pb' ? 'Far-Pass-1' : undefined),
        },
      }),
    });
    cleanup.push(() => far.close());
    const farPort = far.addresses[0]?.port ?? 0;
    const app = await startAppServer({
      '/dial': () =>
        `<Response><Dial action="/after"><Sip username="pb" password="Far-Pass-1">sip:bob@127.0.0.126:${farPort}?X-Ticket=42</Sip></Dial></Response>`,
      '/after': done.route,
    });
    cleanup.push(() => app.close());
    const { sipPort, post } = await sipServer({
      rtpPorts: [50600, 50798],
      allow: [{ address: '127.0.0.127', prefix: 32 }],
    });
    await post('IncomingPhoneNumbers.json', { PhoneNumber: '+15550100301', VoiceUrl: `${app.url}/dial` });
    const invited = new Promise<{ user: string | undefined; ticket: string | undefined }>((resolve) =>
      far.once('invite', (incoming) => {
        resolve({ user: incoming.user, ticket: incoming.request.headers.get('x-ticket') });
        void incoming
          .answer(silentSdp('127.0.0.126', 50_992))
          .then((dialog) => setTimeout(() => void dialog.bye(), 300));
      }),
    );

    const caller = await agentOn('127.0.0.127');
    const call = await caller.invite(
      `sip:+15550100301@127.0.0.1:${sipPort}`,
      { from: '+15550100999', sdp: silentSdp('127.0.0.127', 50_994) },
      new AbortController().signal,
    );
    expect(call.outcome).toBe('answered');
    expect(await invited).toEqual({ user: 'pb', ticket: '42' });
    expect((await done.next()).params).toMatchObject({ DialCallStatus: 'completed', DialSipResponseCode: '200' });
  });
});
