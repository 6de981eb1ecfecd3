import type { DeviceLegRequest } from '@patchbay/runtime';
import { MockAgent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AudioFetcher } from '../play/index.js';
import { hearsTone } from '../testing/audio-analysis.js';
import { CachedTts, EspeakTts } from '../tts/index.js';
import { TestDevice } from '../webrtc/test-device.test-support.js';
import { SipMediaAdapter } from './adapter.js';
import type { DeviceMediaLeg } from './device-leg.js';
import { Prompts } from './prompts.js';

let adapter: SipMediaAdapter;
const devices: TestDevice[] = [];
beforeAll(async () => {
  adapter = await SipMediaAdapter.start({
    listen: [{ transport: 'udp', host: '127.0.43.1', port: 0 }],
    rtpPorts: [43400, 43499],
    allow: [],
    prompts: new Prompts({
      tts: new CachedTts(new EspeakTts()),
      fetcher: new AudioFetcher({ egress: { refuseUrl: () => 'no fetches here', dispatcher: () => new MockAgent() } }),
    }),
    workers: 1,
    webrtc: { ports: [43500, 43529], connectTimeoutMs: 1500, renegotiationsPerMinute: 2 },
  });
});
afterAll(async () => {
  for (const d of devices) await d.close();
  await adapter.close();
});

function device(tone?: number): TestDevice {
  const d = new TestDevice('127.0.43.2', [43530, 43569], tone);
  devices.push(d);
  return d;
}

function request(sdp: string | undefined) {
  const seen = { answered: 0, ended: 0 };
  let ended!: () => void;
  const endedOnce = new Promise<void>((resolve) => {
    ended = resolve;
  });
  const req: DeviceLegRequest = {
    identity: 'alice',
    callSid: `CA${'0'.repeat(32)}`,
    ...(sdp === undefined ? {} : { sdp }),
    onAnswered: () => seen.answered++,
    onEnded: () => {
      seen.ended++;
      ended();
    },
  };
  return { req, seen, endedOnce };
}

const signal = () => new AbortController().signal;

describe('device legs on SIP media (WebRTC)', () => {
  it('a device that offers: audio both ways, a key heard once (RTP, not signaling too), mute silences it', async () => {
    const phone = device(600);
    const { req, seen } = request(await phone.offer());
    const leg = adapter.deviceLeg(req) as DeviceMediaLeg;
    await phone.accept(await leg.localSdp());
    await leg.answer();
    expect(seen.answered).toBe(1);
    void leg.media.tone({ frequencies: [1000], onMs: 20_000 }, signal()).catch(() => undefined);
    expect(hearsTone(await phone.hear(1000), 1000, { minMs: 400 })).toBe(true);

    const keys: string[] = [];
    leg.events.on('dtmf', (d) => keys.push(d));
    const key = new Promise<void>((resolve) => leg.events.once('dtmf', () => resolve()));
    phone.sendDigit('5');
    leg.press('5'); // the SDK does not send both, but a device that did would not be heard twice
    await key;
    await phone.hear(300);
    expect(keys).toEqual(['5']);

    const rec = { maxLengthMs: 800, silenceTimeoutMs: 0, finishOnKey: '', trimSilence: false };
    expect(hearsTone((await leg.media.record(rec, signal())).pcm, 600, { minMs: 400 })).toBe(true);
    leg.setMuted(true);
    // what the jitter buffer already held (tens of ms) still plays out: judge what follows
    const muted = (await leg.media.record(rec, signal())).pcm.subarray(8 * 300);
    expect(muted.length).toBeGreaterThan(8 * 400);
    expect(hearsTone(muted, 600, { minMs: 80 })).toBe(false);
    leg.setMuted(false);
    expect(hearsTone((await leg.media.record(rec, signal())).pcm, 600, { minMs: 400 })).toBe(true);
    await leg.hangup();
    expect(seen.ended).toBe(1);
  });

  it('Patchbay offers (a call to the device) and completes with its answer', async () => {
    const phone = device(700);
    const { req } = request('offer');
    const leg = adapter.deviceLeg(req) as DeviceMediaLeg;
    const answer = await phone.answer(await leg.localSdp());
    await leg.completeSdp(answer);
    void leg.media.tone({ frequencies: [1000], onMs: 20_000 }, signal()).catch(() => undefined);
    expect(hearsTone(await phone.hear(1000), 1000, { minMs: 400 })).toBe(true);
    const rec = { maxLengthMs: 800, silenceTimeoutMs: 0, finishOnKey: '', trimSilence: false };
    expect(hearsTone((await leg.media.record(rec, signal())).pcm, 700, { minMs: 400 })).toBe(true);
    await leg.hangup();
  });

  it('malformed SDP: a typed error, and the leg ends', async () => {
    const { req, seen, endedOnce } = request('v=0\r\nthis is not sdp');
    const leg = adapter.deviceLeg(req);
    await expect(leg.localSdp?.()).rejects.toMatchObject({ name: 'WebRtcError', code: 'sdp-malformed' });
    await endedOnce;
    expect(seen.ended).toBe(1);
  });

  it('a device that never completes ICE: the leg hangs up within the bound with ice-timeout', async () => {
    const { req, endedOnce } = request('offer');
    const leg = adapter.deviceLeg(req) as DeviceMediaLeg;
    const hungUp = new Promise<void>((resolve) => leg.events.once('hangup', () => resolve()));
    await leg.localSdp();
    const started = performance.now();
    await hungUp;
    await endedOnce;
    expect(performance.now() - started).toBeLessThan(5000);
    expect(leg.failure?.code).toBe('ice-timeout');
  });

  it('renegotiates after a network change (the call goes on), and refuses a storm with renegotiation-limit', async () => {
    const phone = device(600);
    const { req, seen } = request(await phone.offer());
    const leg = adapter.deviceLeg(req) as DeviceMediaLeg;
    await phone.accept(await leg.localSdp());
    await leg.answer();
    void leg.media.tone({ frequencies: [1000], onMs: 60_000 }, signal()).catch(() => undefined);
    expect(hearsTone(await phone.hear(1000), 1000, { minMs: 400 })).toBe(true);

    await phone.accept(await leg.renegotiate(await phone.restart('127.0.63.3', [43570, 43599])));
    await phone.restarted();
    expect(hearsTone(await phone.hear(1000), 1000, { minMs: 400 })).toBe(true);
    const rec = { maxLengthMs: 800, silenceTimeoutMs: 0, finishOnKey: '', trimSilence: false };
    expect(hearsTone((await leg.media.record(rec, signal())).pcm, 600, { minMs: 400 })).toBe(true);
    await expect.poll(() => adapter.webrtc?.sessions).toBe(1);

    // the limit is 2 a minute here: one more is allowed, the next refused, and the call goes on
    const stray = new TestDevice('127.0.63.3', [43570, 43599]);
    devices.push(stray);
    const offer = await stray.offer();
    await leg.renegotiate(offer);
    await expect(leg.renegotiate(offer)).rejects.toMatchObject({ name: 'WebRtcError', code: 'renegotiation-limit' });
    await expect(leg.renegotiate('v=0\r\nnot sdp')).rejects.toMatchObject({ code: 'renegotiation-limit' });
    expect(hearsTone(await phone.hear(1000), 1000, { minMs: 400 })).toBe(true);
    expect(seen.ended).toBe(0);
    await leg.hangup();
    expect(seen.ended).toBe(1);
  });

  it('leaves no session, leg or port behind', async () => {
    await expect.poll(() => adapter.webrtc?.sessions).toBe(0);
    await expect.poll(async () => (await adapter.engine.stats()).legs).toBe(0);
  });
});
