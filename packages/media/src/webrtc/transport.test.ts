import { afterEach, describe, expect, it } from 'vitest';
import { MediaEngine } from '../engine/index.js';
import { hearsTone } from '../testing/audio-analysis.js';
import { DataChannelTransport } from './datachannel.js';
import { attachSession } from './device-leg.js';
import { WebRtcError } from './errors.js';
import { TestDevice } from './test-device.test-support.js';
import type { WebRtcTransport, WebRtcTransportOptions } from './transport.js';
import { WeriftTransport } from './werift.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const drivers: [string, (o: WebRtcTransportOptions) => WebRtcTransport, number][] = [
  ['node-datachannel', (o) => new DataChannelTransport(o), 43000],
  ['werift', (o) => new WeriftTransport(o), 43100],
];

async function setup(make: (o: WebRtcTransportOptions) => WebRtcTransport, base: number, connectTimeoutMs = 8000) {
  const engine = await MediaEngine.start({ bindAddress: '127.0.43.1', rtpPorts: [base + 60, base + 79], workers: 1 });
  const transport = make({ bindAddress: '127.0.43.1', portRange: [base, base + 29], connectTimeoutMs });
  const device = new TestDevice('127.0.43.2', [base + 30, base + 59], 600);
  cleanups.push(
    () => engine.close(),
    () => transport.close(),
    () => device.close(),
  );
  return { engine, transport, device };
}

const abort = () => new AbortController().signal;

describe.each(drivers)('WebRTC legs on %s', (_name, make, base) => {
  it('Patchbay offers: the device hears a tone played on the leg and the leg records the device', async () => {
    const { engine, transport, device } = await setup(make, base);
    const session = await transport.offer();
    const leg = await engine.openLeg({ external: true });
    attachSession(session, leg);
    await session.complete(await device.answer(session.localSdp));
    await session.connected;
    void leg.tone({ frequencies: [1000], onMs: 5000 }, abort()).catch(() => {});
    const heard = await device.hear(1000);
    expect(hearsTone(heard, 1000, { minMs: 400 })).toBe(true);
    const recorded = await leg.record(
      { maxLengthMs: 800, silenceTimeoutMs: 0, finishOnKey: '', trimSilence: false },
      abort(),
    );
    expect(hearsTone(recorded.pcm, 600, { minMs: 400 })).toBe(true);
    session.close();
    await expect.poll(() => engine.stats().then((s) => s.legs)).toBe(0);
    expect(transport.sessions).toBe(0);
  });

  it('the device offers: audio both ways, and an RFC 4733 digit reaches the leg once', async () => {
    const { engine, transport, device } = await setup(make, base);
    const session = await transport.answer(await device.offer());
    expect(session.telephoneEvent).toBe(126);
    const leg = await engine.openLeg({ external: true });
    attachSession(session, leg);
    await device.accept(session.localSdp);
    await session.connected;
    void leg.tone({ frequencies: [1000], onMs: 5000 }, abort()).catch(() => {});
    expect(hearsTone(await device.hear(1000), 1000, { minMs: 400 })).toBe(true);
    const digits: string[] = [];
    leg.events.on('dtmf', (d) => digits.push(d));
    const got = new Promise<void>((resolve) => leg.events.once('dtmf', () => resolve()));
    device.sendDigit('7');
    await got;
    await device.hear(300);
    expect(digits).toEqual(['7']);
  });

  it('a device offering no candidates (as the hosted SDK does) connects: its address is learnt from its checks', async () => {
    const { engine, transport, device } = await setup(make, base);
    const offer = (await device.offer())
      .split('\r\n')
      .filter((l) => !l.startsWith('a=candidate:') && l !== 'a=end-of-candidates')
      .join('\r\n');
    expect(offer).not.toContain('a=candidate');
    const session = await transport.answer(offer);
    const leg = await engine.openLeg({ external: true });
    attachSession(session, leg);
    await device.accept(session.localSdp);
    await session.connected;
    void leg.tone({ frequencies: [1000], onMs: 5000 }, abort()).catch(() => {});
    expect(hearsTone(await device.hear(600), 1000, { minMs: 300 })).toBe(true);
  });

  it('malformed SDP gets a typed error and leaves nothing open', async () => {
    const { transport } = await setup(make, base);
    await expect(transport.answer('garbage')).rejects.toMatchObject({ code: 'sdp-malformed' });
    await expect(transport.answer('v=0\r\nm=audio 9 RTP/AVP 0\r\n')).rejects.toBeInstanceOf(WebRtcError);
    await expect(transport.answer('x'.repeat(20_000))).rejects.toMatchObject({ code: 'sdp-too-large' });
    const device = new TestDevice('127.0.43.2', [base + 30, base + 59]);
    cleanups.push(() => device.close());
    const opus = (await device.offer()).replace(/m=audio (\d+) (\S+) .*/, 'm=audio $1 $2 111');
    await expect(transport.answer(opus)).rejects.toMatchObject({ code: 'no-common-codec' });
    const session = await transport.offer();
    await expect(session.complete('v=0\r\nbroken')).rejects.toMatchObject({ code: 'sdp-malformed' });
    session.close();
    expect(transport.sessions).toBe(0);
  });

  it('a device that never completes ICE fails the session with ice-timeout within the bound', async () => {
    const { transport } = await setup(make, base, 1500);
    const session = await transport.offer();
    const started = performance.now();
    await expect(session.connected).rejects.toMatchObject({ code: 'ice-timeout' });
    expect(performance.now() - started).toBeLessThan(4000);
    expect(transport.sessions).toBe(0);
  });
});
