/**
 * ICE restart: a device whose network changes offers again from another address; the new session
 * feeds the same engine leg, so a bridge carries on both ways, and the old session's port is
 * freed once the new one carries the call.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MediaEngine } from '../engine/index.js';
import { hearsTone } from '../testing/audio-analysis.js';
import { DataChannelTransport } from './datachannel.js';
import { attachSession } from './device-leg.js';
import { TestDevice } from './test-device.test-support.js';
import type { WebRtcTransport, WebRtcTransportOptions } from './transport.js';
import { WeriftTransport } from './werift.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const drivers: [string, (o: WebRtcTransportOptions) => WebRtcTransport, number][] = [
  ['node-datachannel', (o) => new DataChannelTransport(o), 43200],
  ['werift', (o) => new WeriftTransport(o), 43300],
];

describe.each(drivers)('ICE restart on %s', (_name, make, base) => {
  it('a bridged device that moves to another address keeps hearing the far end and being heard, on the same leg', async () => {
    const engine = await MediaEngine.start({ bindAddress: '127.0.63.1', rtpPorts: [base + 60, base + 79], workers: 1 });
    const transport = make({ bindAddress: '127.0.63.1', portRange: [base, base + 29], connectTimeoutMs: 8000 });
    const mover = new TestDevice('127.0.63.2', [base + 30, base + 44], 600);
    const far = new TestDevice('127.0.63.4', [base + 80, base + 99], 1000);
    cleanups.push(
      () => engine.close(),
      () => transport.close(),
      () => mover.close(),
      () => far.close(),
    );
    const first = await transport.answer(await mover.offer());
    const moverLeg = await engine.openLeg({ external: true });
    const attached = attachSession(first, moverLeg);
    await mover.accept(first.localSdp);
    const farSession = await transport.offer();
    const farLeg = await engine.openLeg({ external: true, near: moverLeg });
    attachSession(farSession, farLeg);
    await farSession.complete(await far.answer(farSession.localSdp));
    await Promise.all([first.connected, farSession.connected]);
    engine.bridge(moverLeg, farLeg);
    expect(hearsTone(await mover.hear(1000), 1000, { minMs: 400 })).toBe(true);
    expect(hearsTone(await far.hear(1000), 600, { minMs: 400 })).toBe(true);
    const legsBefore = (await engine.stats()).legs;

    const second = await transport.answer(await mover.restart('127.0.63.3', [base + 45, base + 59]));
    const replaced = attached.replace(second);
    await mover.accept(second.localSdp);
    await replaced;
    await mover.restarted();
    expect(attached.session).toBe(second);
    expect(transport.sessions).toBe(2); // the far end's and the new one: the old port is free

    expect(hearsTone(await mover.hear(1000), 1000, { minMs: 400 })).toBe(true);
    expect(hearsTone(await far.hear(1000), 600, { minMs: 400 })).toBe(true);
    expect((await engine.stats()).legs).toBe(legsBefore);

    attached.close();
    farSession.close();
    await expect.poll(() => engine.stats().then((s) => s.legs)).toBe(0);
    expect(transport.sessions).toBe(0);
  });

  it('a restart that never connects is dropped and the call keeps its session and its audio', async () => {
    const engine = await MediaEngine.start({ bindAddress: '127.0.63.1', rtpPorts: [base + 60, base + 79], workers: 1 });
    const transport = make({ bindAddress: '127.0.63.1', portRange: [base, base + 29], connectTimeoutMs: 1500 });
    const device = new TestDevice('127.0.63.2', [base + 30, base + 44], 600);
    cleanups.push(
      () => engine.close(),
      () => transport.close(),
      () => device.close(),
    );
    const first = await transport.answer(await device.offer());
    const leg = await engine.openLeg({ external: true });
    const attached = attachSession(first, leg);
    await device.accept(first.localSdp);
    await first.connected;
    // another device's offer stands in for a restart whose answer never reaches the device
    const ghost = new TestDevice('127.0.63.3', [base + 45, base + 59]);
    cleanups.push(() => ghost.close());
    const second = await transport.answer(await ghost.offer());
    await expect(attached.replace(second)).rejects.toMatchObject({ code: 'ice-timeout' });
    expect(attached.session).toBe(first);
    expect(transport.sessions).toBe(1);
    void leg.tone({ frequencies: [1000], onMs: 5000 }, new AbortController().signal).catch(() => {});
    expect(hearsTone(await device.hear(1000), 1000, { minMs: 400 })).toBe(true);
  });
});
