/**
 * For compat-mode tests: a self-signed certificate (openssl), `startServer` over TLS with a
 * voice app, the official `twilio` helper for REST and access tokens, and Chromium (Debian's,
 * through playwright-core) on a loopback page that loads one pinned, unmodified
 * `@twilio/voice-sdk` bundle and records what its Device and Calls emit (`window.events`).
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { type AddressInfo, connect, createServer as createNetServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { patchbayHttpClient } from '@patchbay/sdk';
import { EventEmitter } from 'eventemitter3';
import { type Browser, chromium, type Page } from 'playwright-core';
import twilio from 'twilio';
import { Agent, fetch as undiciFetch } from 'undici';
import { FAST } from '../../api/harness.test-support.js';
import { type RunningServer, type ServeOptions, startServer } from '../../cli/serve.js';
import { type AppServer, type RecordedRequest, type Route, startAppServer } from '../../testing/app-server.js';
import { selfSignedCert } from '../../testing/tls.js';
import { soundUrls } from './sounds.js';

/** The pinned SDK versions: npm aliases in package.json (the latest 2.x and an older one). */
export { selfSignedCert };

export const SDK_VERSIONS = ['voice-sdk-2-18', 'voice-sdk-2-11'] as const;
export type SdkVersion = (typeof SDK_VERSIONS)[number];

export const NUMBER = '+15550142000';

export interface CompatRig {
  readonly server: RunningServer;
  readonly app: AppServer;
  readonly client: ReturnType<typeof twilio>;
  /** The certificate the server serves (to trust it). */
  readonly ca: Buffer;
  /** `127.0.0.1:<port>`, the SDK's `chunderw`. */
  readonly chunderw: string;
  /** The next request the voice app gets at `path`. */
  hit(path: string): Promise<RecordedRequest>;
  /** An access token from the official helper library (incoming allowed, the rig's outgoing application). */
  token(identity: string, ttl?: number, secret?: string): string;
  close(): Promise<void>;
}

/** The server over TLS, the voice app (its routes answer `NUMBER` and the outgoing application). */
export async function startRig(
  dir: string,
  routes: Record<string, Route>,
  options: Partial<ServeOptions> = {},
): Promise<CompatRig> {
  const seen = new EventEmitter<{ request: (request: RecordedRequest) => void }>();
  const app = await startAppServer(
    Object.fromEntries(
      Object.entries(routes).map(([path, route]) => [
        path,
        (request: RecordedRequest) => {
          seen.emit('request', request);
          return route(request);
        },
      ]),
    ),
  );
  const tls = selfSignedCert(dir);
  const server = await startServer({ port: 0, data: join(dir, 'data'), tls, timing: FAST, drainMs: 0, ...options });
  // The helper library, unchanged, over HTTPS that trusts the test's certificate.
  const ca = readFileSync(tls.certFile);
  const dispatcher = new Agent({ connect: { ca } });
  const fetch = ((url: string, init: object) =>
    undiciFetch(url, { ...init, dispatcher })) as unknown as typeof globalThis.fetch;
  const { sid, authToken } = server.account;
  const client = twilio(sid, authToken, { accountSid: sid, httpClient: patchbayHttpClient(server.url, { fetch }) });
  const close = async () => {
    await server.close();
    await app.close();
    await dispatcher.close();
  };
  let key: { sid: string; secret: string };
  let application: { sid: string };
  try {
    key = await client.newKeys.create({ friendlyName: 'compat' });
    application = await client.applications.create({ voiceUrl: `${app.url}/outgoing`, friendlyName: 'compat' });
    await client.incomingPhoneNumbers.create({ phoneNumber: NUMBER, voiceUrl: `${app.url}/incoming` });
  } catch (error) {
    await close();
    throw error;
  }
  return {
    server,
    app,
    client,
    ca,
    chunderw: server.url.replace('https://', ''),
    hit: (path) =>
      new Promise((resolve) => {
        const listener = (request: RecordedRequest) => {
          if (request.path !== path) return;
          seen.off('request', listener);
          resolve(request);
        };
        seen.on('request', listener);
      }),
    token(identity, ttl = 3600, secret = key.secret) {
      const token = new twilio.jwt.AccessToken(sid, key.sid, secret, { identity, ttl });
      token.addGrant(
        new twilio.jwt.AccessToken.VoiceGrant({ incomingAllow: true, outgoingApplicationSid: application.sid }),
      );
      return token.toJwt();
    },
    close,
  };
}

const PAGE = `<!doctype html><meta charset="utf-8"><title>compat</title><script src="/sdk.js"></script>
<script>
window.events = [];
const record = (...event) => window.events.push([...event, Math.round(performance.now())]);
function follow(call) {
  window.call = call;
  for (const name of ['accept', 'cancel', 'disconnect', 'reject', 'ringing', 'reconnecting', 'reconnected'])
    call.on(name, () => record('call:' + name, call.parameters.CallSid || ''));
  call.on('error', (error) => record('call:error', error.code, error.message));
}
window.start = async (token, options) => {
  const device = new Twilio.Device(token, { ...options, logLevel: 'silent' });
  window.device = device;
  for (const name of ['registered', 'unregistered', 'tokenWillExpire'])
    device.on(name, () => record(name));
  device.on('error', (error) => record('error', error.code, error.message));
  device.on('incoming', (call) => {
    follow(call);
    record('incoming', { ...call.parameters }, Object.fromEntries(call.customParameters));
  });
};
window.dial = async (params) => {
  follow(await window.device.connect({ params }));
};
</script>`;

export interface SdkPage {
  readonly page: Page;
  /** The first recorded event named `name` (after `skip` earlier ones), waiting for it. */
  event(name: string, skip?: number): Promise<unknown[]>;
  /** How many events named `name` were recorded so far. */
  count(name: string): Promise<number>;
  /** Errors the page threw. */
  readonly errors: string[];
}

/** Chromium on a loopback page with one SDK version; closed by `close()`. */
export async function openBrowser(): Promise<{ browser: Browser; close(): Promise<void> }> {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--ignore-certificate-errors',
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
  return { browser, close: () => browser.close() };
}

/**
 * A TCP relay in front of the server (TLS passes through), whose `cut()` drops every connection
 * at once, as a network change would; new connections go through again.
 */
export async function startRelay(target: string): Promise<{ address: string; cut(): void; close(): Promise<void> }> {
  const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
  const sockets = new Set<Socket>();
  const relay = createNetServer((inbound) => {
    const outbound = connect(port, host);
    for (const socket of [inbound, outbound]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        inbound.destroy();
        outbound.destroy();
      });
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  const cut = () => {
    for (const socket of sockets) socket.destroy();
  };
  return {
    address: `127.0.0.1:${(relay.address() as AddressInfo).port}`,
    cut,
    close: async () => {
      cut();
      await new Promise((resolve) => relay.close(resolve));
    },
  };
}

export async function sdkPage(
  browser: Browser,
  version: SdkVersion,
  rig: CompatRig,
  token: string,
  chunderw = rig.chunderw,
): Promise<SdkPage & { close(): Promise<void> }> {
  const bundle = readFileSync(join(import.meta.dirname, '../../../node_modules', version, 'dist/twilio.min.js'));
  const server = createServer((req, res) => {
    if (req.url === '/sdk.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
    else res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  await page.evaluate(
    ([token, options]) =>
      (globalThis as unknown as { start(t: string, o: object): Promise<void> }).start(token, options),
    [token, { chunderw, publishEvents: false, sounds: soundUrls(`https://${rig.chunderw}`) }] as const,
  );
  const events = () => page.evaluate(() => (globalThis as unknown as { events: unknown[][] }).events);
  return {
    page,
    errors,
    async close() {
      await page.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
    async event(name, skip = 0) {
      await page.waitForFunction(
        ([name, skip]) =>
          (globalThis as unknown as { events: unknown[][] }).events.filter((event) => event[0] === name).length > skip,
        [name, skip] as const,
      );
      return (await events()).filter((event) => event[0] === name)[skip] as unknown[];
    },
    async count(name) {
      return (await events()).filter((event) => event[0] === name).length;
    },
  };
}

export { FAST };
