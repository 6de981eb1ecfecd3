import { startAppServer } from '@patchbay/runtime/testing';
import { describe, expect, it } from 'vitest';
import { type IncomingCall, Registrar, SipAgent } from '../sip/index.js';
import { awaited, cleanup, sipServer } from './server.test-support.js';
import { registerTrunks } from './trunks.js';

const silentSdp = (host: string, port: number) =>
  `v=0\r\no=- 1 1 IN IP4 ${host}\r\ns=-\r\nc=IN IP4 ${host}\r\nt=0 0\r\nm=audio ${port} RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n`;

const CARRIER = '127.0.0.130';
const TRUNK_USER = 'patchbay-customer';
const TRUNK_PASSWORD = 'Trunk-Pass-2026';

/** A carrier as our own agent: it challenges INVITE and REGISTER with the trunk's credentials, and grants 2 s registrations. */
async function carrier() {
  const registrar = new Registrar({ minExpiresS: 1, maxExpiresS: 2, defaultExpiresS: 2 });
  const agent = await SipAgent.start({
    listen: [{ transport: 'udp', host: CARRIER, port: 0 }],
    registrar,
    authorize: (request) =>
      request.method === 'INVITE' || request.method === 'REGISTER'
        ? {
            challenge: {
              realm: 'carrier.example',
              algorithms: ['MD5'],
              password: (user) => (user === TRUNK_USER ? TRUNK_PASSWORD : undefined),
            },
          }
        : { allow: true },
  });
  cleanup.push(() => agent.close());
  const registers: Array<() => void> = [];
  let registered = 0;
  agent.on('register', () => {
    registered++;
    registers.shift()?.();
  });
  return {
    agent,
    registrar,
    port: agent.addresses[0]?.port ?? 0,
    /** Resolves at the next REGISTER the carrier accepted. */
    nextRegister: () => new Promise<void>((resolve) => registers.push(resolve)),
    get registered() {
      return registered;
    },
  };
}

describe('a carrier trunk (--sip-trunk with credentials and --sip-trunk-register)', () => {
  it('registers and refreshes, places calls to numbers answering the digest challenge, and runs a held number app for calls from the carrier', async () => {
    const far = await carrier();
    const firstRegister = far.nextRegister();
    const status = awaited('');
    const inbound = awaited(
      '<Response><Dial action="/after" timeout="10"><Number>+15557770003</Number></Dial></Response>',
    );
    const after = awaited('<Response/>');
    const app = await startAppServer({
      '/hello': () => '<Response><Say>Hello from the trunk.</Say><Hangup/></Response>',
      '/status': status.route,
      '/inbound': inbound.route,
      '/after': after.route,
    });
    cleanup.push(() => app.close());
    const { sipPort, post } = await sipServer({
      rtpPorts: [50800, 50998],
      trunks: [
        {
          name: 'carrier',
          uri: `sip:${CARRIER}:${far.port}`,
          credentials: { username: TRUNK_USER, password: TRUNK_PASSWORD },
          register: true,
        },
      ],
    });

    // Registered with digest at sip:<user>@<carrier host>, from our SIP port, and refreshed before 2 s pass.
    await firstRegister;
    const [binding] = far.registrar.lookup(`sip:${TRUNK_USER}@${CARRIER}`);
    expect(binding?.uri.port).toBe(sipPort);
    await far.nextRegister();
    expect(far.registered).toBeGreaterThanOrEqual(2);

    // A REST call to a number goes to the trunk, answers its challenge, and the number is the Request-URI user.
    const invited = new Promise<IncomingCall>((resolve) => far.agent.once('invite', resolve));
    const call = await post('Calls.json', {
      To: '+15557770001',
      From: '+15550100500',
      Url: `${app.url}/hello`,
      StatusCallback: `${app.url}/status`,
    });
    const incoming = await invited;
    expect(incoming.requestUri.user).toBe('+15557770001');
    expect(incoming.user).toBe(TRUNK_USER);
    await incoming.answer(silentSdp(CARRIER, 50_996));
    expect((await status.next()).params).toMatchObject({ CallSid: call.sid, CallStatus: 'completed' });

    // A call from the carrier's address to a number we hold runs that number's app, without digest;
    // its <Dial><Number> goes back out through the trunk, answering the challenge again.
    await post('IncomingPhoneNumbers.json', { PhoneNumber: '+15550100501', VoiceUrl: `${app.url}/inbound` });
    const dialed = new Promise<IncomingCall>((resolve) =>
      far.agent.on('invite', (call) => {
        if (call.requestUri.user === '+15557770003') resolve(call);
      }),
    );
    const fromCarrier = await far.agent.invite(
      `sip:15550100501@127.0.0.1:${sipPort}`,
      { from: '+15557770002', sdp: silentSdp(CARRIER, 50_994) },
      new AbortController().signal,
    );
    expect(fromCarrier.outcome).toBe('answered');
    expect((await inbound.next()).params).toMatchObject({ To: '+15550100501', From: '+15557770002' });
    const onward = await dialed;
    expect(onward.user).toBe(TRUNK_USER);
    const leg = await onward.answer(silentSdp(CARRIER, 50_992));
    await leg.bye();
    expect((await after.next()).params).toMatchObject({ DialCallStatus: 'completed' });
  });
});

describe('registerTrunks', () => {
  it('logs a trunk that refuses our REGISTER (a wrong password), naming the trunk and the status', async () => {
    const far = await carrier();
    const ours = await SipAgent.start({ listen: [{ transport: 'udp', host: '127.0.0.131', port: 0 }] });
    cleanup.push(() => ours.close());
    const logged = new Promise<string>((resolve) => {
      registerTrunks(
        ours,
        [
          {
            name: 'carrier',
            uri: `sip:${CARRIER}:${far.port}`,
            credentials: { username: TRUNK_USER, password: 'wrong' },
            register: true,
          },
        ],
        resolve,
      );
    });
    expect(await logged).toMatch(/^trunk carrier: REGISTER sip:patchbay-customer@127\.0\.0\.130 failed with 401/);
    expect(far.registrar.lookup(`sip:${TRUNK_USER}@${CARRIER}`)).toEqual([]);
  });
});
