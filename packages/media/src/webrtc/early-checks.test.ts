/**
 * A device that answers Patchbay's offer without candidates and never trickles (the hosted
 * browser SDK sends its answer right after setting it) can only connect if the offer carries the
 * server's candidates (`candidatesInOffer`). The device then starts ICE and DTLS towards us
 * before its answer reaches us: Chromium here, answering as that SDK does, with its answer
 * delivered only once its own checks have been answered and its DTLS has started. Every one of
 * 50 consecutive calls must connect on both ends. (node-datachannel alone fails about one such
 * call in 400-1200 here, `EARLY_CALLS=300`: see early-offers.ts; the default transport sends
 * these offers to werift.)
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './chromium.test-support.js';
import { DataChannelTransport } from './datachannel.js';
import { createWebRtcTransport } from './index.js';
import type { WebRtcTransport, WebRtcTransportOptions } from './transport.js';
import { WeriftTransport } from './werift.js';

const CALLS = Number(process.env.EARLY_CALLS ?? 50);
let page: Page;
const closing: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  const http = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html>'));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  closing.push(() => new Promise((resolve) => http.close(resolve)));
  const browser = await launchChromium();
  closing.push(() => browser.close());
  page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${(http.address() as AddressInfo).port}/`);
});
afterAll(async () => {
  for (const close of closing.splice(0).reverse()) await close();
});

/** The little of the page's WebRTC API used here (the package is type-checked without the DOM's types). */
interface Pc {
  readonly iceConnectionState: string;
  readonly connectionState: string;
  readonly localDescription: { sdp: string } | null;
  addTrack(track: unknown, stream: unknown): void;
  setRemoteDescription(description: { type: 'offer'; sdp: string }): Promise<void>;
  createAnswer(): Promise<object>;
  setLocalDescription(description: object): Promise<void>;
  getStats(): Promise<{ forEach(each: (report: { type: string; dtlsState?: string }) => void): void }>;
  close(): void;
}
interface Answering {
  pc?: Pc;
  RTCPeerConnection: new () => Pc;
  navigator: { mediaDevices: { getUserMedia(c: object): Promise<{ getTracks(): unknown[] }> } };
}

/** The page answers `offer` as the hosted SDK does: microphone added, answer sent at once (no candidates). */
function answerInPage(offer: string): Promise<string> {
  return page.evaluate(async (sdp) => {
    const g = globalThis as unknown as Answering;
    g.pc?.close();
    const pc = new g.RTCPeerConnection();
    g.pc = pc;
    const stream = await g.navigator.mediaDevices.getUserMedia({ audio: true });
    for (const track of stream.getTracks()) pc.addTrack(track, stream);
    await pc.setRemoteDescription({ type: 'offer', sdp });
    await pc.setLocalDescription(await pc.createAnswer());
    return pc.localDescription?.sdp ?? '';
  }, offer);
}

/** Resolves once the page's ICE has connected to us and its DTLS handshake has started. */
function pageChecksAnswered(): Promise<unknown> {
  return page.waitForFunction(
    async () => {
      const pc = (globalThis as unknown as Answering).pc;
      if (pc?.iceConnectionState !== 'connected') return false;
      let dtls = '';
      (await pc.getStats()).forEach((report) => {
        if (report.type === 'transport') dtls = report.dtlsState ?? '';
      });
      return dtls === 'connecting';
    },
    undefined,
    { timeout: 20_000, polling: 10 },
  );
}

const transports: [string, (o: WebRtcTransportOptions) => WebRtcTransport, [number, number]][] = [
  ['the default transport (its offers with candidates on werift)', (o) => createWebRtcTransport(o), [41400, 41449]],
  ['werift', (o) => new WeriftTransport(o), [41450, 41499]],
];

describe.each(transports)('offers with candidates on %s', (_name, make, portRange) => {
  it(`connects ${CALLS} of ${CALLS} calls whose device starts ICE and DTLS before its answer arrives`, async () => {
    const transport = make({ bindAddress: '127.0.61.2', portRange, connectTimeoutMs: 10_000 });
    closing.push(() => transport.close());
    const outcomes: string[] = [];
    for (let i = 0; i < CALLS; i++) {
      const session = await transport.offer({ candidatesInOffer: true });
      expect(session.localSdp).toContain('a=candidate:');
      const answer = await answerInPage(session.localSdp);
      expect(answer).not.toContain('a=candidate:');
      await pageChecksAnswered();
      await session.complete(answer);
      const server = await session.connected.then(
        () => 'connected',
        (error: { code?: string }) => `failed: ${error.code}`,
      );
      const browser = await page
        .waitForFunction(() => {
          const state = (globalThis as unknown as Answering).pc?.connectionState;
          return state === 'connected' || state === 'failed' ? state : undefined;
        })
        .then((state) => state.jsonValue());
      outcomes.push(`${server}/${browser}`);
      session.close();
    }
    expect(outcomes.filter((o) => o !== 'connected/connected')).toEqual([]);
    expect(transport.sessions).toBe(0);
  });
});

describe('an offer without candidates', () => {
  it('never connects a device that answers without candidates (so such devices must ask for them)', async () => {
    const transport = new DataChannelTransport({
      bindAddress: '127.0.61.2',
      portRange: [41400, 41449],
      connectTimeoutMs: 1500,
    });
    closing.push(() => transport.close());
    const session = await transport.offer();
    expect(session.localSdp).not.toContain('a=candidate:');
    await session.complete(await answerInPage(session.localSdp));
    await expect(session.connected).rejects.toMatchObject({ code: 'ice-timeout' });
  });
});
