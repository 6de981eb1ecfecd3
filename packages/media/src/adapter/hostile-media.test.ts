/**
 * Hostile media at a real `patchbay serve --media sip`, with real phones: RTP injected from
 * another address mid-call is never heard, oversize RTP is dropped and counted, and a far end
 * that vanishes (SIGKILL, no BYE) ends the call by RTP timeout, hangs up the survivor, records
 * the vanished party's call failed with a notification saying why (13227) and leaves no leg or port
 * behind.
 */
import dgram from 'node:dgram';
import type { MediaLeg } from '@patchbay/runtime';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { encodeUlaw } from '../rtp/index.js';
import { hearsTone } from '../testing/audio-analysis.js';
import { type Phone, startPhone } from '../testing/baresip.js';
import { tonePcm } from '../testing/wav.js';
import type { SipMediaAdapter } from './adapter.js';
import { calls, type HostileServer, hostileServer, offer, RawPeers, sipRequest } from './hostile.test-support.js';
import type { SipLeg } from './sip-leg.js';

const RTP_TIMEOUT_MS = 2000;
let s: HostileServer;
let bobUri = '';
const phones: Phone[] = [];
const sockets: dgram.Socket[] = [];

beforeAll(async () => {
  s = await hostileServer(
    {
      rtpPorts: { min: 47000, max: 47498 },
      allow: [{ address: '127.0.0.88', prefix: 29 }],
      rtpTimeoutMs: RTP_TIMEOUT_MS,
    },
    {
      '/voice': () => `<Response><Dial><Sip>${bobUri}</Sip></Dial></Response>`,
      '/listen': () => '<Response><Say>Hello.</Say><Pause length="20"/></Response>',
    },
  );
  await s.post('IncomingPhoneNumbers.json', { PhoneNumber: '+15550002000', VoiceUrl: `${s.app.url}/voice` });
  await s.post('IncomingPhoneNumbers.json', { PhoneNumber: '+15550002001', VoiceUrl: `${s.app.url}/listen` });
});
afterEach(async () => {
  await Promise.all(phones.splice(0).map((p) => p.close()));
  await Promise.all(sockets.splice(0).map((u) => new Promise<void>((r) => u.close(() => r()))));
});
afterAll(() => s?.close());

const adapter = () => s.server.media as SipMediaAdapter;

/** What a phone hears in the next `ms`. */
async function nextHeard(phone: Phone, ms: number): Promise<Int16Array> {
  const before = (await phone.heard()).length;
  return (await phone.listen(before / 8 + ms)).subarray(before);
}

/** Alice calls the number, the app dials Bob, both answer: the two phones and Alice's leg on the server. */
async function bridgedCall(
  aliceAddress: string,
  bobAddress: string,
): Promise<{ alice: Phone; bob: Phone; leg: SipLeg }> {
  const bob = await startPhone({ address: bobAddress, tone: 900 });
  phones.push(bob);
  bobUri = bob.uri;
  bob.events.on('incoming', () => void bob.accept().catch(() => undefined));
  const alice = await startPhone({ address: aliceAddress, tone: 600 });
  phones.push(alice);
  const incoming = new Promise<MediaLeg>((resolve) => adapter().events.once('incoming', (leg) => resolve(leg)));
  await alice.dial(`sip:+15550002000@127.0.0.1:${s.sipPort}`);
  const leg = (await incoming) as SipLeg;
  await Promise.all([alice.waitFor('established', 15_000), bob.waitFor('established', 15_000)]);
  // Audio flows both ways before the test begins.
  expect(hearsTone(await nextHeard(bob, 600), 600)).toBe(true);
  return { alice, bob, leg };
}

/** RTP packets (PCMU, 20 ms each) carrying `hz` for `ms`, as a stranger would send them. */
function rtpTone(hz: number, ms: number): Buffer[] {
  const pcm = tonePcm(hz, ms / 1000);
  const packets: Buffer[] = [];
  for (let i = 0; (i + 1) * 160 <= pcm.length; i++) {
    const packet = Buffer.alloc(12 + 160);
    packet[0] = 0x80;
    packet.writeUInt16BE(i & 0xffff, 2);
    packet.writeUInt32BE(i * 160, 4);
    packet.writeUInt32BE(0x5ca1ab1e, 8);
    encodeUlaw(pcm.subarray(i * 160, (i + 1) * 160), packet.subarray(12));
    packets.push(packet);
  }
  return packets;
}

async function udpFrom(address: string): Promise<dgram.Socket> {
  const socket = dgram.createSocket('udp4');
  sockets.push(socket);
  await new Promise<void>((resolve) => socket.bind(0, address, () => resolve()));
  return socket;
}

/** Sends `packets` to `port` one per 20 ms, as a real RTP source paces them. */
async function stream(socket: dgram.Socket, port: number, packets: Buffer[]): Promise<void> {
  for (const packet of packets) {
    socket.send(packet, port, '127.0.0.1');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function settled(): Promise<{ legs: number; portsInUse: number }> {
  const engine = adapter().engine;
  for (let i = 0; i < 100; i++) {
    const stats = await engine.stats();
    if (stats.legs === 0 && stats.portsInUse === 0) return stats;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return engine.stats();
}

describe('hostile media through a running SIP server', () => {
  it('oversize RTP from the caller itself is dropped and counted while its good packets are taken', async () => {
    const peers = new RawPeers();
    try {
      const sip = await peers.at('127.0.0.94');
      const rtp = await udpFrom('127.0.0.94');
      const incoming = new Promise<MediaLeg>((resolve) => adapter().events.once('incoming', (leg) => resolve(leg)));
      const target = 'sip:+15550002001@127.0.0.1';
      const invite = sipRequest({
        method: 'INVITE',
        uri: target,
        from: 'sip:pbx@127.0.0.94',
        callId: 'oversize@127.0.0.94',
        via: 'SIP/2.0/UDP 127.0.0.94:5060;branch=z9hG4bKoversize;rport',
        body: offer('127.0.0.94', rtp.address().port, '0'),
      });
      expect(await sip.ask(s.sipPort, invite, 15_000)).toMatch(/^SIP\/2\.0 200/);
      const ok = sip.received.find((text) => text.startsWith('SIP/2.0 200')) ?? '';
      const to = /^To: (.*)$/im.exec(ok)?.[1]?.trim() ?? '';
      sip.send(
        s.sipPort,
        sipRequest({
          method: 'ACK',
          uri: target,
          callId: 'oversize@127.0.0.94',
          headers: { To: to, From: /^From: (.*)$/im.exec(ok)?.[1]?.trim() ?? '' },
        }),
      );
      const leg = (await incoming) as SipLeg;
      const media = leg.media;
      const good = rtpTone(1000, 500);
      const big = Buffer.concat([good[0] as Buffer, Buffer.alloc(1600, 0x55)]);
      await stream(
        rtp,
        media.localPort,
        good.flatMap((packet, i) => (i % 2 === 0 ? [packet, big] : [packet])),
      );
      // 25 good packets, 13 oversize among them; stats are published once per 20 ms frame, so allow for the last one.
      const stats = media.stats();
      expect(stats.dropped).toBeGreaterThanOrEqual(Math.ceil(good.length / 2) - 2);
      expect(stats.packetsIn).toBeGreaterThanOrEqual(good.length - 2);
      expect(stats.packetsIn).toBeLessThanOrEqual(good.length);
      expect(leg.ended).toBe(false);
    } finally {
      await peers.close();
    }
  });

  it('RTP from a new source mid-call and oversize RTP are dropped and counted; the other party never hears them', async () => {
    const { alice, bob, leg } = await bridgedCall('127.0.0.89', '127.0.0.90');
    const before = leg.media.stats();
    const attacker = await udpFrom('127.0.0.91');
    const oversize = Buffer.concat([rtpTone(2000, 20)[0] as Buffer, Buffer.alloc(1600, 0x55)]);
    const listening = nextHeard(bob, 1500);
    const injected = rtpTone(2000, 1500);
    await Promise.all([
      stream(attacker, leg.media.localPort, injected),
      stream(
        attacker,
        leg.media.localPort,
        Array.from({ length: 10 }, () => oversize),
      ),
    ]);
    const bobHears = await listening;
    expect(hearsTone(bobHears, 2000, { minMs: 80, minShare: 0.1 })).toBe(false);
    expect(hearsTone(bobHears, 600)).toBe(true);
    const after = leg.media.stats();
    expect(after.dropped - before.dropped).toBeGreaterThanOrEqual(injected.length + 10);
    // Alice's own audio still gets through, and the call goes on.
    expect(hearsTone(await nextHeard(bob, 500), 600)).toBe(true);
    await alice.hangup();
    await bob.waitFor('closed', 10_000);
    expect(await settled()).toMatchObject({ legs: 0, portsInUse: 0 });
  });

  it('a far end that vanishes mid-call (no BYE) ends the call by RTP timeout: the survivor is hung up, the vanished call failed (13227), no leg or port is left', async () => {
    const { alice, bob } = await bridgedCall('127.0.0.92', '127.0.0.93');
    const vanishedAt = Date.now();
    bob.vanish();
    await alice.waitFor('closed', RTP_TIMEOUT_MS + 10_000);
    const tookMs = Date.now() - vanishedAt;
    expect(tookMs).toBeGreaterThanOrEqual(RTP_TIMEOUT_MS - 100);
    expect(await settled()).toMatchObject({ legs: 0, portsInUse: 0 });
    const records = await calls(s);
    const parent = records.find(
      (call) => call.direction === 'inbound' && call.to === '+15550002000' && !call.parent_call_sid,
    );
    expect(parent).toBeDefined();
    const child = records.find((call) => call.parent_call_sid === parent?.sid);
    // The app's call ends as usual; the vanished party's call failed, and says why.
    expect(parent?.status).toBe('completed');
    expect(child?.status).toBe('failed');
    const notes = (await s.get(`Calls/${child?.sid}/Notifications.json`)).notifications as Array<
      Record<string, string>
    >;
    expect(notes.map((note) => note.error_code)).toEqual(['13227']);
    expect(new URLSearchParams(notes[0]?.message_text).get('Msg')).toMatch(/media stopped arriving/);
  });
});
