import dgram from 'node:dgram';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseRtcp, writeReport } from '../rtp/rtcp.js';
import type { NegotiatedMedia } from '../sdp/types.js';
import { goertzel } from './dsp/goertzel.js';
import { MediaEngine } from './engine.js';
import { EngineError } from './errors.js';
import type { EngineLeg } from './leg.js';
import { RtpPeer } from './test-peer.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

let nextRange = 42000 + (process.pid % 50) * 100;
async function engine(
  options: {
    workers?: number;
    rtpTimeoutMs?: number;
    ports?: number;
    rtcpIntervalMs?: number;
    publicAddress?: string;
  } = {},
): Promise<MediaEngine> {
  const lo = nextRange;
  nextRange += 100;
  const e = await MediaEngine.start({
    bindAddress: '127.0.0.1',
    rtpPorts: [lo, lo + (options.ports ?? 99)],
    workers: options.workers ?? 2,
    rtpTimeoutMs: options.rtpTimeoutMs ?? 0,
    rtcpIntervalMs: options.rtcpIntervalMs ?? 5000,
    ...(options.publicAddress ? { publicAddress: options.publicAddress } : {}),
  });
  cleanups.push(() => e.close());
  return e;
}

async function peer(): Promise<RtpPeer> {
  const p = await RtpPeer.open();
  cleanups.push(() => p.close());
  return p;
}

function media(
  port: number,
  options: { telephoneEvent: boolean; direction?: NegotiatedMedia['direction'] } = { telephoneEvent: true },
): NegotiatedMedia {
  const base = {
    remote: { address: '127.0.0.1', port },
    payloadType: 0,
    ptime: 20,
    direction: options.direction ?? 'sendrecv',
  } as const;
  return options.telephoneEvent ? { ...base, telephoneEvent: 101 } : base;
}

function sine(freq: number, ms: number): Int16Array {
  return Int16Array.from({ length: ms * 8 }, (_, i) => Math.round(6000 * Math.sin((2 * Math.PI * freq * i) / 8000)));
}

const never = new AbortController().signal;
const record = (leg: EngineLeg, maxLengthMs: number) =>
  leg.record({ maxLengthMs, silenceTimeoutMs: 0, finishOnKey: '', trimSilence: false }, never);
const tail = (pcm: Int16Array, freq: number) => goertzel(pcm.subarray(Math.max(0, pcm.length - 3200)), freq);

/** A peer on a leg, sending `tone` and ready to report what it hears once the stream has settled. */
async function party(
  e: MediaEngine,
  tone: number[] | undefined,
  near?: EngineLeg,
): Promise<{ leg: EngineLeg; peer: RtpPeer }> {
  const leg = await e.openLeg(near ? { near } : {});
  const p = await peer();
  leg.configure(media(p.port));
  p.start(leg.localPort, tone ? { tone } : {});
  return { leg, peer: p };
}

async function listen(...peers: RtpPeer[]): Promise<void> {
  await Promise.all(peers.map((p) => p.waitPackets(15)));
  for (const p of peers) p.clear();
  await Promise.all(peers.map((p) => p.waitPackets(25)));
}

beforeAll(async () => {
  // bundle the worker once before the timed tests
  const e = await MediaEngine.start({ bindAddress: '127.0.0.1', rtpPorts: [41000, 41010], workers: 1 });
  await e.close();
}, 30_000);

describe('MediaEngine legs', () => {
  it.each([
    ['PCMU', 0],
    ['PCMA', 8],
  ] as const)(
    'two engine legs exchange audio (%s): each records the tone the other plays',
    async (_name, payloadType) => {
      const e = await engine();
      const a = await e.openLeg();
      const b = await e.openLeg();
      a.configure({ ...media(b.localPort), payloadType });
      b.configure({ ...media(a.localPort), payloadType });
      const ac = new AbortController();
      void a.play(sine(440, 3000), ac.signal).catch(() => {});
      void b.play(sine(1000, 3000), ac.signal).catch(() => {});
      const [ra, rb] = await Promise.all([record(a, 800), record(b, 800)]);
      ac.abort();
      expect(ra.endedBy).toBe('max-length');
      expect(tail(ra.pcm, 1000)).toBeGreaterThan(3000);
      expect(tail(ra.pcm, 440)).toBeLessThan(300);
      expect(tail(rb.pcm, 440)).toBeGreaterThan(3000);
      expect(tail(rb.pcm, 1000)).toBeLessThan(300);
      const stats = a.stats();
      expect(stats.packetsIn).toBeGreaterThan(20);
      expect(stats.packetsOut).toBeGreaterThan(20);
    },
  );

  it('play resolves after its last frame; a plain peer hears it; abort stops it', async () => {
    const e = await engine();
    const { leg, peer: p } = await party(e, undefined);
    await p.waitPackets(10);
    p.clear();
    await leg.play(sine(1000, 400), never);
    expect(p.level(1000, 300)).toBeGreaterThan(3000);
    const ac = new AbortController();
    const long = leg.play(sine(700, 5000), ac.signal);
    await p.waitPackets(10);
    ac.abort(new Error('barge-in'));
    await expect(long).rejects.toThrow('barge-in');
    await p.waitPackets(10);
    p.clear();
    await p.waitPackets(10);
    expect(p.level(700, 150)).toBeLessThan(200);
  });

  it('ringback is 440+480 Hz until aborted', async () => {
    const e = await engine();
    const { leg, peer: p } = await party(e, undefined);
    const ac = new AbortController();
    const ring = leg.tone('ringback', ac.signal);
    await listen(p);
    expect(p.level(440)).toBeGreaterThan(2000);
    expect(p.level(480)).toBeGreaterThan(2000);
    ac.abort(new Error('answered'));
    await expect(ring).rejects.toThrow('answered');
  });

  it('symmetric RTP: latches on the first source and ignores an injector mid-call', async () => {
    const e = await engine();
    const { leg, peer: caller } = await party(e, [440]);
    await caller.waitPackets(10);
    const injector = await peer();
    injector.start(leg.localPort, { tone: [2000] });
    const r = await record(leg, 800);
    expect(tail(r.pcm, 440)).toBeGreaterThan(3000);
    expect(tail(r.pcm, 2000)).toBeLessThan(200);
    expect(injector.packetsIn).toBe(0);
    expect(leg.stats().dropped).toBeGreaterThan(10);
  });

  it('garbage and oversize datagrams are dropped and counted, and the leg keeps working', async () => {
    const e = await engine();
    const { leg, peer: p } = await party(e, [440]);
    for (const bytes of [new Uint8Array(3), new Uint8Array(3000).fill(0x80), new Uint8Array(40).fill(0xff)]) {
      p.socket.send(bytes, leg.localPort, '127.0.0.1');
    }
    // fuzz from the latched source itself, RTP and RTCP ports: random bytes, random sizes
    let seed = 99;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    for (let i = 0; i < 1000; i++) {
      const bytes = Uint8Array.from({ length: Math.floor(rnd() * 400) }, () => Math.floor(rnd() * 256));
      if (bytes.length > 1) bytes[0] = rnd() < 0.5 ? 0x80 : (bytes[0] as number);
      if (bytes.length > 1 && rnd() < 0.3) bytes[1] = 0xc8 + Math.floor(rnd() * 2);
      p.socket.send(bytes, leg.localPort + (i % 2), '127.0.0.1');
    }
    await p.waitPackets(25);
    const r = await record(leg, 600);
    expect(tail(r.pcm, 440)).toBeGreaterThan(3000);
    expect(leg.stats().dropped).toBeGreaterThanOrEqual(2);
  });

  it('hears RFC 4733 once per key press and in-band DTMF from a peer without telephone-event', async () => {
    const e = await engine();
    const { leg, peer: p } = await party(e, undefined);
    const digits: string[] = [];
    leg.events.on('dtmf', (d, source) => digits.push(`${d}:${source}`));
    await p.waitPackets(5);
    p.sendEvent(leg.localPort, 11);
    await p.waitPackets(5);
    expect(digits).toEqual(['#:rfc4733']);
    const other = await e.openLeg();
    const q = await peer();
    other.configure(media(q.port, { telephoneEvent: false }));
    const inband = new Promise<string>((resolve) => other.events.on('dtmf', (d, source) => resolve(`${d}:${source}`)));
    q.start(other.localPort, { dtmf: '7' });
    expect(await inband).toBe('7:inband');
  });

  it('sends digits as RFC 4733 when negotiated and as tones otherwise', async () => {
    const e = await engine();
    const { leg, peer: p } = await party(e, undefined);
    await leg.sendDigits('1w#', never);
    expect(p.digits).toEqual(['1', '#']);
    const one = p.events.filter((e) => e.event === 1);
    expect(one.map((e) => e.duration)).toEqual([160, 320, 480, 640, 800, 800, 800, 800]);
    expect(one.map((e) => e.end)).toEqual([false, false, false, false, false, true, true, true]);
    expect(one.map((e) => e.marker)).toEqual([true, false, false, false, false, false, false, false]);
    expect(new Set(one.map((e) => e.timestamp)).size).toBe(1);
    const other = await e.openLeg();
    const q = await peer();
    other.configure(media(q.port, { telephoneEvent: false }));
    q.start(other.localPort);
    await q.waitPackets(5);
    q.clear();
    await other.sendDigits('5', never);
    expect(goertzel(Int16Array.from(q.heard.slice(0, 800)), 770)).toBeGreaterThan(2000);
    expect(goertzel(Int16Array.from(q.heard.slice(0, 800)), 1336)).toBeGreaterThan(2000);
  });

  it('record ends on silence, and on a finish key sent as RFC 4733', async () => {
    const e = await engine();
    const { leg, peer: p } = await party(e, [440]);
    await p.waitPackets(5);
    const rec = leg.record({ maxLengthMs: 10_000, silenceTimeoutMs: 400, finishOnKey: '#', trimSilence: true }, never);
    await p.waitPackets(15);
    p.setSource({});
    const r = await rec;
    expect(r.endedBy).toBe('silence');
    expect(r.durationMs).toBeGreaterThan(100);
    expect(r.durationMs).toBeLessThan(1500);
    expect(goertzel(r.pcm, 440)).toBeGreaterThan(2000);
    p.setSource({ tone: [440] });
    const rec2 = leg.record(
      { maxLengthMs: 10_000, silenceTimeoutMs: 5000, finishOnKey: '#*', trimSilence: false },
      never,
    );
    await p.waitPackets(10);
    p.sendEvent(leg.localPort, 10);
    expect(await rec2).toMatchObject({ endedBy: 'key', key: '*' });
  });

  it('a recording in progress ends with hangup when the leg closes; rtpTimeout fires on silence from the network', async () => {
    const e = await engine({ rtpTimeoutMs: 200 });
    const { leg, peer: p } = await party(e, [440]);
    await p.waitPackets(5);
    const timeout = new Promise<void>((resolve) => leg.events.on('rtpTimeout', resolve));
    const rec = leg.record({ maxLengthMs: 10_000, silenceTimeoutMs: 0, finishOnKey: '', trimSilence: false }, never);
    p.stop();
    await timeout;
    await leg.close();
    expect((await rec).endedBy).toBe('hangup');
  });

  it('hold: a re-configured direction stops and resumes what the far end receives', async () => {
    const e = await engine();
    const { leg, peer: p } = await party(e, [440]);
    await p.waitPackets(5);
    leg.configure(media(p.port, { telephoneEvent: true, direction: 'recvonly' }));
    await record(leg, 100); // let a frame already on its way arrive
    const before = p.packetsIn;
    const held = await record(leg, 400);
    expect(p.packetsIn).toBe(before);
    expect(tail(held.pcm, 440)).toBeGreaterThan(3000); // we still hear them
    leg.configure(media(p.port));
    await p.waitPackets(5);
  });

  it('sends RTCP sender reports and reads the receiver reports it gets back', async () => {
    const e = await engine({ rtcpIntervalMs: 100 });
    const rtcp = dgram.createSocket('udp4');
    cleanups.push(() => new Promise((resolve) => rtcp.close(() => resolve())));
    await new Promise<void>((resolve) => rtcp.bind(0, '127.0.0.1', resolve));
    const leg = await e.openLeg();
    const p = await peer();
    // RTP latches on the peer; RTCP goes to the SDP port + 1, where our socket listens
    leg.configure(media(rtcp.address().port - 1));
    p.start(leg.localPort, { tone: [440] });
    const [report] = await new Promise<ReturnType<typeof parseRtcp>>((resolve) =>
      rtcp.once('message', (buf) => resolve(parseRtcp(buf))),
    );
    expect(report?.type).toBe('sr');
    expect(report?.sender?.packets).toBeGreaterThan(0);
    const rr = new Uint8Array(64);
    const block = {
      ssrc: report?.ssrc ?? 0,
      fractionLost: 64,
      cumulativeLost: 3,
      highestSequence: 1,
      jitter: 8,
      lastSr: 0,
      delaySinceLastSr: 0,
    };
    rtcp.send(rr, 0, writeReport(rr, { ssrc: 99, block }), leg.localPort + 1, '127.0.0.1');
    await p.waitPackets(5);
    expect(leg.stats().remoteReport).toEqual({ fractionLost: 0.25, cumulativeLost: 3, jitter: 8 });
  });

  it('hands out even ports from the range and says when it is exhausted; legs advertise the public address', async () => {
    const e = await engine({ ports: 3, publicAddress: '203.0.113.9' });
    const a = await e.openLeg();
    const b = await e.openLeg();
    expect([a.localPort % 2, b.localPort % 2]).toEqual([0, 0]);
    expect(a.localAddress).toBe('203.0.113.9');
    await expect(e.openLeg()).rejects.toBeInstanceOf(EngineError);
    await expect(e.openLeg()).rejects.toMatchObject({ code: 'ports-exhausted' });
    await a.close();
    expect((await e.openLeg()).localPort).toBe(a.localPort);
    expect((await e.stats()).portsInUse).toBe(2);
    await e.close();
    await expect(e.openLeg()).rejects.toMatchObject({ code: 'engine-closed' });
  });

  it('a worker that dies fails its operations with a typed error, reports rtpTimeout and frees its ports', async () => {
    const e = await engine({ workers: 1 });
    const { leg } = await party(e, undefined);
    const timedOut = new Promise<void>((resolve) => leg.events.once('rtpTimeout', resolve));
    const playing = leg.play(sine(440, 5000), never);
    await (e.workers[0] as (typeof e.workers)[number]).worker.terminate();
    await expect(playing).rejects.toMatchObject({ code: 'worker-failed' });
    await timedOut;
    await expect(e.openLeg()).rejects.toMatchObject({ code: 'worker-failed' });
    expect(e.legs.size).toBe(0);
  });

  it('reports voiceStart and voiceEnd as the far end starts and stops making sound', async () => {
    const e = await engine();
    const { leg, peer: p } = await party(e, undefined);
    const events: string[] = [];
    const started = new Promise<void>((resolve) => leg.events.once('voiceStart', resolve));
    const ended = new Promise<void>((resolve) => leg.events.once('voiceEnd', resolve));
    leg.events.on('voiceStart', () => events.push('start'));
    leg.events.on('voiceEnd', () => events.push('end'));
    await p.waitPackets(5);
    p.setSource({ tone: [300] });
    await started;
    p.setSource({});
    await ended;
    expect(events).toEqual(['start', 'end']);
  });
});
