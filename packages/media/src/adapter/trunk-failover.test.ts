/**
 * Calls to numbers through a BYOC trunk whose connection policy lists several targets, at a real
 * `patchbay serve --media sip`: the targets are tried by priority, the next one when a target
 * answers 503 (a sipp responder) or gives no response at all (a socket that never answers), not
 * when the callee refuses (486 is final). And what a carrier sees in From: a SIP caller's call
 * dialed to a number presents a number (the one it called), never its SIP URI.
 */
import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { type IncomingCall, SipAgent } from '../sip/index.js';
import { startResponder } from '../testing/responder.js';
import type { SippProcess } from '../testing/sipp.js';
import { type HostileServer, hostileServer, offer, RawPeers, sipRequest } from './hostile.test-support.js';
import { DEFAULT_TARGET_SILENCE_MS } from './originate.js';

const REFUSING = '127.0.41.20';
const CARRIER = '127.0.41.21';
const SILENT = '127.0.41.22';
const BUSY = '127.0.41.23';
const PHONE = '127.0.41.30';
const DIALED = '+15557770001';
const OURS = '+15550004100';

const closing: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of closing.splice(0).reverse()) await close().catch(() => undefined);
}, 30_000);

/** A server whose account routes numbers through one BYOC trunk with `targets` (URI, priority). */
async function serverWith(targets: Array<[string, number]>): Promise<HostileServer> {
  const s = await hostileServer(
    { rtpPorts: { min: 41200, max: 41398 }, allow: [{ address: PHONE, prefix: 32 }] },
    {
      '/hello': () => '<Response><Say>Hello.</Say><Pause length="20"/></Response>',
      '/dial': () => `<Response><Dial timeout="20"><Number>${DIALED}</Number></Dial></Response>`,
    },
  );
  closing.push(() => s.close());
  const { sid, authToken } = s.server.account;
  const v1 = async (path: string, form: Record<string, string>) => {
    const response = await fetch(`${s.server.url}/v1/${path}`, {
      method: 'POST',
      headers: { authorization: `Basic ${btoa(`${sid}:${authToken}`)}` },
      body: new URLSearchParams(form),
    });
    const body = (await response.json()) as Record<string, string>;
    if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(body)}`);
    return body;
  };
  const policy = await v1('ConnectionPolicies', { FriendlyName: 'carriers' });
  for (const [target, priority] of targets)
    await v1(`ConnectionPolicies/${policy.sid}/Targets`, { Target: target, Priority: String(priority) });
  await v1('ByocTrunks', { FriendlyName: 'carrier', ConnectionPolicySid: String(policy.sid) });
  await s.post('IncomingPhoneNumbers.json', { PhoneNumber: OURS, VoiceUrl: `${s.app.url}/dial` });
  return s;
}

/** A carrier that answers the first INVITE (silence) and hangs up at once; resolves with that INVITE. */
async function answeringCarrier(): Promise<{ port: number; invited: Promise<IncomingCall> }> {
  const agent = await SipAgent.start({ listen: [{ transport: 'udp', host: CARRIER, port: 0 }] });
  closing.push(() => agent.close());
  const invited = new Promise<IncomingCall>((resolve) =>
    agent.once('invite', (call) => {
      resolve(call);
      void call.answer(offer(CARRIER, 41990, '0')).then((dialog) => dialog.bye());
    }),
  );
  return { port: agent.addresses[0]?.port ?? 0, invited };
}

async function responder(local: string, code: number, reason: string): Promise<SippProcess> {
  const sipp = await startResponder({ local, code, reason });
  closing.push(() => sipp.kill());
  return sipp;
}

/** The call's status once it is one of `wanted` (or whatever it is after 20 s). */
async function callStatus(s: HostileServer, sid: string, wanted: RegExp): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const status = String((await s.get(`Calls/${sid}.json`)).status);
    if (wanted.test(status)) return status;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return String((await s.get(`Calls/${sid}.json`)).status);
}

const placeCall = (s: HostileServer) => s.post('Calls.json', { To: DIALED, From: OURS, Url: `${s.app.url}/hello` });

describe('a trunk with several targets', () => {
  it('moves to the next target by priority when the first answers 503', async () => {
    const refusing = await responder(REFUSING, 503, 'Service Unavailable');
    const carrier = await answeringCarrier();
    const s = await serverWith([
      [`sip:${CARRIER}:${carrier.port}`, 20],
      [`sip:${refusing.target}`, 10],
    ]);
    await placeCall(s);
    expect((await carrier.invited).requestUri.user).toBe(DIALED);
    // The 503 responder was tried first: it played its scenario once.
    const refused = await refusing.kill();
    expect(refused.successful + refused.failed).toBe(1);
  });

  it('moves to the next target when the first gives no response at all', async () => {
    const silent = dgram.createSocket('udp4');
    let heard = 0;
    silent.on('message', () => heard++);
    await new Promise<void>((resolve) => silent.bind(0, SILENT, () => resolve()));
    closing.push(() => new Promise<void>((resolve) => silent.close(() => resolve())));
    const carrier = await answeringCarrier();
    const s = await serverWith([
      [`sip:${SILENT}:${silent.address().port}`, 10],
      [`sip:${CARRIER}:${carrier.port}`, 20],
    ]);
    const placed = Date.now();
    await placeCall(s);
    expect((await carrier.invited).requestUri.user).toBe(DIALED);
    expect(Date.now() - placed).toBeGreaterThanOrEqual(DEFAULT_TARGET_SILENCE_MS - 100);
    expect(heard).toBeGreaterThanOrEqual(1);
  });

  it("stops at a callee's refusal (486): the next target is not tried and the call is busy", async () => {
    const busy = await responder(BUSY, 486, 'Busy Here');
    const carrier = await answeringCarrier();
    let tried = false;
    void carrier.invited.then(() => {
      tried = true;
    });
    const s = await serverWith([
      [`sip:${busy.target}`, 10],
      [`sip:${CARRIER}:${carrier.port}`, 20],
    ]);
    const call = await placeCall(s);
    expect(await callStatus(s, String(call.sid), /^(busy|failed|no-answer|completed)$/)).toBe('busy');
    expect(tried).toBe(false);
  });
});

describe('the caller ID a SIP caller presents to a trunk', () => {
  it('is the number it called when its own From is a SIP URI', async () => {
    const carrier = await answeringCarrier();
    const s = await serverWith([[`sip:${CARRIER}:${carrier.port}`, 10]]);
    const peers = new RawPeers();
    closing.push(() => peers.close());
    const phone = await peers.at(PHONE);
    const target = `sip:${OURS}@127.0.0.1`;
    const invite = sipRequest({
      method: 'INVITE',
      uri: target,
      from: `sip:alice@${PHONE}`,
      via: `SIP/2.0/UDP ${PHONE}:5060;branch=z9hG4bKcallerid;rport`,
      body: offer(PHONE, 41991, '0'),
    });
    expect(await phone.ask(s.sipPort, invite, 15_000)).toMatch(/^SIP\/2\.0 200/);
    const ok = phone.received.find((text) => text.startsWith('SIP/2.0 200')) ?? '';
    const header = (name: string) => new RegExp(`^${name}: (.*)$`, 'im').exec(ok)?.[1]?.trim() ?? '';
    phone.send(
      s.sipPort,
      sipRequest({
        method: 'ACK',
        uri: target,
        callId: header('Call-ID'),
        via: `SIP/2.0/UDP ${PHONE}:5060;branch=z9hG4bKcalleridack;rport`,
        headers: { From: header('From'), To: header('To') },
      }),
    );
    const invited = await carrier.invited;
    expect(invited.requestUri.user).toBe(DIALED);
    expect(invited.from.uri.user).toBe(OURS);
  });
});
