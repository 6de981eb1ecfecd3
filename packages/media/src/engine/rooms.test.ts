import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { goertzel } from './dsp/goertzel.js';
import { MediaEngine } from './engine.js';
import type { EngineLeg } from './leg.js';
import { RtpPeer } from './test-peer.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

let nextRange = 47000 + (process.pid % 50) * 100;
async function engine(workers = 2): Promise<MediaEngine> {
  const lo = nextRange;
  nextRange += 100;
  const e = await MediaEngine.start({ bindAddress: '127.0.0.1', rtpPorts: [lo, lo + 99], workers });
  cleanups.push(() => e.close());
  return e;
}

async function party(e: MediaEngine, tone: number, near?: EngineLeg): Promise<{ leg: EngineLeg; peer: RtpPeer }> {
  const leg = await e.openLeg(near ? { near } : {});
  const peer = await RtpPeer.open();
  cleanups.push(() => peer.close());
  leg.configure({
    remote: { address: '127.0.0.1', port: peer.port },
    payloadType: 0,
    ptime: 20,
    direction: 'sendrecv',
    telephoneEvent: 101,
  });
  peer.start(leg.localPort, { tone: [tone] });
  return { leg, peer };
}

/** Lets the streams settle, then collects half a second of what each peer hears. */
async function listen(...peers: RtpPeer[]): Promise<void> {
  await Promise.all(peers.map((p) => p.waitPackets(10)));
  for (const p of peers) p.clear();
  await Promise.all(peers.map((p) => p.waitPackets(25)));
}

const HEARD = 1500;
const NOT_HEARD = 250;
const never = new AbortController().signal;

beforeAll(async () => {
  const e = await MediaEngine.start({ bindAddress: '127.0.0.1', rtpPorts: [41020, 41030], workers: 1 });
  await e.close();
}, 30_000);

describe('bridge', () => {
  for (const placement of ['on one worker (near)', 'across two workers'] as const) {
    it(`each hears the other and not itself, ${placement}; dual recording keeps each side`, async () => {
      const e = await engine(2);
      const a = await party(e, 440);
      const b = await party(e, 1000, placement === 'on one worker (near)' ? a.leg : undefined);
      const bridge = e.bridge(a.leg, b.leg, { record: 'dual' });
      await listen(a.peer, b.peer);
      expect(a.peer.level(1000)).toBeGreaterThan(HEARD);
      expect(a.peer.level(440)).toBeLessThan(NOT_HEARD);
      expect(b.peer.level(440)).toBeGreaterThan(HEARD);
      expect(b.peer.level(1000)).toBeLessThan(NOT_HEARD);
      const rec = await bridge.close();
      if (!rec || rec instanceof Int16Array) throw new Error('expected a dual recording');
      expect(goertzel(rec.left, 440)).toBeGreaterThan(HEARD);
      expect(goertzel(rec.left, 1000)).toBeLessThan(NOT_HEARD);
      expect(goertzel(rec.right, 1000)).toBeGreaterThan(HEARD);
      // after close, neither hears the other
      await listen(a.peer);
      expect(a.peer.level(1000)).toBeLessThan(NOT_HEARD);
    });
  }
});

describe('conference mixer', () => {
  it('three legs: each hears the other two and not itself; mute and hold change that', async () => {
    const e = await engine(2);
    const a = await party(e, 400);
    const b = await party(e, 700); // another worker: the mixer forwards frames
    const c = await party(e, 1100, a.leg);
    const mixer = e.createMixer();
    for (const p of [a, b, c]) mixer.join(p.leg, { muted: false });
    mixer.startRecording();
    await listen(a.peer, b.peer, c.peer);
    expect([a.peer.level(700), a.peer.level(1100), a.peer.level(400)].map((x) => x > HEARD)).toEqual([
      true,
      true,
      false,
    ]);
    expect([b.peer.level(400), b.peer.level(1100), b.peer.level(700)].map((x) => x > HEARD)).toEqual([
      true,
      true,
      false,
    ]);
    expect([c.peer.level(400), c.peer.level(700), c.peer.level(1100)].map((x) => x > HEARD)).toEqual([
      true,
      true,
      false,
    ]);
    expect(a.peer.level(400)).toBeLessThan(NOT_HEARD);

    mixer.setMuted(a.leg, true);
    await listen(b.peer, c.peer);
    expect(b.peer.level(400)).toBeLessThan(NOT_HEARD);
    expect(c.peer.level(400)).toBeLessThan(NOT_HEARD);
    expect(b.peer.level(1100)).toBeGreaterThan(HEARD);
    mixer.setMuted(a.leg, false);

    const music = Int16Array.from({ length: 8000 }, (_, i) =>
      Math.round(6000 * Math.sin((2 * Math.PI * 1500 * i) / 8000)),
    );
    mixer.setHeld(c.leg, true, music);
    await listen(a.peer, c.peer);
    expect(c.peer.level(1500)).toBeGreaterThan(HEARD);
    expect(c.peer.level(400)).toBeLessThan(NOT_HEARD);
    expect(a.peer.level(1100)).toBeLessThan(NOT_HEARD);
    expect(a.peer.level(700)).toBeGreaterThan(HEARD);

    const mix = await mixer.stopRecording(); // 0.3-0.7 s: before the mute
    expect(goertzel(mix.subarray(2400, 5600), 400)).toBeGreaterThan(HEARD);
    expect(goertzel(mix.subarray(2400, 5600), 1100)).toBeGreaterThan(HEARD);
    mixer.close();
  });

  it('a coach is heard only by the leg it coaches; plays reach everyone', async () => {
    const e = await engine(1);
    const agent = await party(e, 400);
    const customer = await party(e, 700);
    const coach = await party(e, 1100);
    const mixer = e.createMixer();
    mixer.join(agent.leg, { muted: false });
    mixer.join(customer.leg, { muted: false });
    mixer.join(coach.leg, { muted: false, coach: agent.leg });
    await listen(agent.peer, customer.peer, coach.peer);
    expect(agent.peer.level(1100)).toBeGreaterThan(HEARD);
    expect(customer.peer.level(1100)).toBeLessThan(NOT_HEARD);
    expect(coach.peer.level(400)).toBeGreaterThan(HEARD);
    expect(coach.peer.level(700)).toBeGreaterThan(HEARD);
    customer.peer.clear();
    await mixer.play(
      Int16Array.from({ length: 4000 }, (_, i) => Math.round(6000 * Math.sin((2 * Math.PI * 1800 * i) / 8000))),
      never,
    );
    expect(customer.peer.level(1800, 300)).toBeGreaterThan(HEARD);
    mixer.leave(customer.leg);
    await listen(agent.peer);
    expect(agent.peer.level(700)).toBeLessThan(NOT_HEARD);
    mixer.close();
  });
});
