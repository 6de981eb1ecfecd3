/**
 * For the hosted browser SDK's tests with real audio: Patchbay with `--media sip` over TLS (the
 * SDK's signaling is `wss://<chunderw>/signal`), an access token from a key and an outgoing
 * application, and Chromium (Debian's) on a loopback page that loads one pinned, unmodified
 * `@twilio/voice-sdk` bundle, with a fake microphone playing a tone file and an AnalyserNode on
 * `call.getRemoteStream()` that says which frequency the page hears loudest (`window.hosted`).
 *
 * @example
 * const line = await hostedLine(cleanup, routes, [PHONE]);
 * const page = await hostedPage(cleanup, 'voice-sdk-2-18', line);
 * await page.evaluate(() => hosted.register());
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Route, selfSignedCert } from '@patchbay/runtime/testing';
import { AccessToken, VoiceGrant } from '@patchbay/sdk';
import type { Page } from 'playwright-core';
import { type AppLine, appLine, type Cleanup } from '../adapter/scenarios.test-support.js';
import { launchChromium } from './chromium.test-support.js';

/** The pinned SDK versions: npm aliases in package.json (the latest 2.x and an older one). */
export const SDK_VERSIONS = ['voice-sdk-2-18', 'voice-sdk-2-11'] as const;
export type SdkVersion = (typeof SDK_VERSIONS)[number];

/** What the fake microphone plays. */
export const BROWSER_HZ = 1000;
const SOUNDS = ['incoming', 'outgoing', 'disconnect', ...'0123456789sh'.split('').map((key) => `dtmf${key}`)];

export interface HostedLine extends AppLine {
  /** `127.0.0.1:<port>`: the SDK's `chunderw`. */
  readonly chunderw: string;
  /** Alice's token: incoming allowed, the line's outgoing application. */
  readonly token: string;
}

/** A TLS server with real media, an app with `routes` (`/outgoing` places calls), phones let in from `callers`. */
export async function hostedLine(
  cleanup: Cleanup,
  routes: Record<string, Route>,
  options: { readonly callers: readonly string[]; readonly sipHost: string; readonly rtpPorts: [number, number] },
): Promise<HostedLine> {
  const dir = await mkdtemp(join(tmpdir(), 'patchbay-hosted-'));
  cleanup(() => rm(dir, { recursive: true, force: true }));
  const line = await appLine(cleanup, routes, {
    rtpPorts: { min: options.rtpPorts[0], max: options.rtpPorts[1] },
    listen: [{ host: options.sipHost, port: 0, transports: ['udp'] }],
    callers: options.callers,
    serveTls: selfSignedCert(dir),
  });
  const key = (await line.rest.post('Keys.json', { FriendlyName: 'hosted sdk' })) as { sid: string; secret: string };
  const app = (await line.rest.post('Applications.json', {
    FriendlyName: 'outgoing',
    VoiceUrl: `${line.app.url}/outgoing`,
  })) as { sid: string };
  const token = new AccessToken(line.server.account.sid, key.sid, key.secret, { identity: 'alice', ttl: 600 })
    .addGrant(new VoiceGrant({ incomingAllow: true, outgoingApplicationSid: app.sid }))
    .toJwt();
  return {
    ...line,
    lineUri: line.lineUri.replace('127.0.0.1', options.sipHost),
    chunderw: line.server.url.replace('https://', ''),
    token,
  };
}

/** The page: the SDK's `Device` and `Call` driven through `window.hosted`, what they emit in `window.events`. */
const PAGE = `<!doctype html><meta charset="utf-8"><title>hosted</title><script src="/sdk.js"></script>
<script>
window.events = [];
const record = (...event) => window.events.push([...event, Math.round(performance.now())]);
let device, call, analyser;
function follow(c) {
  call = c;
  analyser = undefined;
  for (const name of ['accept', 'cancel', 'disconnect', 'reject', 'ringing']) c.on(name, () => record('call:' + name));
  c.on('error', (error) => record('call:error', error.code, error.message));
}
function loudest() {
  const stream = call && call.getRemoteStream();
  if (!stream) return undefined;
  if (!analyser || analyser.stream !== stream) {
    const ctx = new AudioContext();
    void ctx.resume();
    const node = ctx.createAnalyser();
    node.fftSize = 2048;
    node.smoothingTimeConstant = 0;
    ctx.createMediaStreamSource(stream).connect(node);
    analyser = { node, ctx, stream };
  }
  const bins = new Float32Array(analyser.node.frequencyBinCount);
  analyser.node.getFloatFrequencyData(bins);
  const hzPerBin = analyser.ctx.sampleRate / analyser.node.fftSize;
  let best = { hz: 0, db: -Infinity };
  for (let i = Math.ceil(200 / hzPerBin); i < Math.min(bins.length, 3800 / hzPerBin); i++)
    if (bins[i] > best.db) best = { hz: i * hzPerBin, db: bins[i] };
  return best;
}
const hears = (hz) => {
  const l = loudest();
  return l !== undefined && Math.abs(l.hz - hz) < 40 && l.db > -75;
};
window.hosted = {
  start(token, options) {
    device = new Twilio.Device(token, { ...options, logLevel: 'silent' });
    device.on('registered', () => record('registered'));
    device.on('error', (error) => record('error', error.code, error.message));
    device.on('incoming', (c) => { follow(c); record('incoming', c.parameters.CallSid); });
  },
  register: () => device.register(),
  /** Accepts the ringing call; resolves with the ms from accept() until the page hears hz (-1: not in 20 s). */
  accept(hz) {
    const started = performance.now();
    call.accept();
    return new Promise((resolve) => {
      const timer = setInterval(() => {
        const waited = performance.now() - started;
        if (!hears(hz) && waited < 20000) return;
        clearInterval(timer);
        resolve(waited < 20000 ? waited : -1);
      }, 5);
    });
  },
  async dial(params) { follow(await device.connect({ params })); },
  hears,
  loudest,
  status: () => call ? call.status() : 'none',
  mute: (muted) => call.mute(muted),
  digits: (digits) => call.sendDigits(digits),
  hangup: () => call.disconnect(),
  destroy: () => device.destroy(),
  // What the SDK does itself when the network changes (its media reconnect); reached through its
  // internals, as a test cannot change Chromium's network under it.
  restartIce: () => call._mediaHandler.iceRestart(),
  remoteUfrag: () => {
    const sdp = call._mediaHandler.version.pc.currentRemoteDescription?.sdp ?? '';
    return (/a=ice-ufrag:(\\S+)/.exec(sdp) || [])[1] || '';
  },
};
</script>`;

/** Chromium with the fake microphone, on a page serving `version` of the SDK, started against `line`. */
export async function hostedPage(
  cleanup: Cleanup,
  version: SdkVersion,
  line: Pick<HostedLine, 'chunderw' | 'token'>,
): Promise<Page> {
  const browser = await launchChromium({ toneHz: BROWSER_HZ, insecureTls: true });
  cleanup(() => browser.close());
  const bundle = readFileSync(join(import.meta.dirname, '../../node_modules', version, 'dist/twilio.min.js'));
  const http = createServer((req, res) => {
    if (req.url === '/sdk.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
    else res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  cleanup(async () => {
    http.closeAllConnections();
    await new Promise((resolve) => http.close(resolve));
  });
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${(http.address() as AddressInfo).port}/`);
  const sounds = Object.fromEntries(SOUNDS.map((name) => [name, `https://${line.chunderw}/sdk/sounds/${name}.wav`]));
  await page.evaluate(([token, options]) => (globalThis as unknown as HostedGlobal).hosted.start(token, options), [
    line.token,
    { chunderw: line.chunderw, publishEvents: false, sounds },
  ] as const);
  return page;
}

/** `window.hosted` as the tests call it. */
export interface HostedApi {
  start(token: string, options: object): void;
  register(): Promise<void>;
  accept(hz: number): Promise<number>;
  dial(params: Record<string, string>): Promise<void>;
  hears(hz: number): boolean;
  loudest(): { hz: number; db: number } | undefined;
  status(): string;
  mute(muted: boolean): void;
  digits(digits: string): void;
  hangup(): void;
  destroy(): void;
  /** The SDK's ICE restart (a `reinvite` with a new offer), as after a network change. */
  restartIce(): void;
  /** The ICE username fragment of Patchbay's current description. */
  remoteUfrag(): string;
}
export interface HostedGlobal {
  hosted: HostedApi;
  events: unknown[][];
}

/** Waits for `check` in the page (generous: other real-peer tests share the machine); says what the page saw if not. */
export async function pageWaits(page: Page, what: string, check: (arg: number) => boolean, arg = 0): Promise<void> {
  try {
    await page.waitForFunction(check, arg, { timeout: 30_000 });
  } catch (error) {
    const seen = await page.evaluate(() => {
      const g = globalThis as unknown as HostedGlobal;
      return { status: g.hosted.status(), events: g.events, loudest: g.hosted.loudest() };
    });
    throw new Error(`waiting for ${what}: ${JSON.stringify(seen)}`, { cause: error });
  }
}
