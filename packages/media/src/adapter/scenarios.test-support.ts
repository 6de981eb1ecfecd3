/**
 * What the end-to-end scenarios share: a real `patchbay serve --media sip` (as `startServer` with
 * the loaded media package), its REST API with the account's credentials, baresip phones on
 * their own loopback addresses, and a small HTTP server for audio files. Everything started is
 * stopped after each test, newest first.
 *
 * Each test file takes its own phone addresses and RTP port range, so files running at once
 * never share a port.
 *
 * @example
 * const cleanup = useCleanup();
 * const { rest, sipPort } = await sipServer(cleanup, { rtpPorts: { min: 44000, max: 44198 } });
 * const alice = await phone(cleanup, { address: '127.0.0.40', tone: 600 });
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningServer, type ServeOptions, type SipMediaOptions, startServer } from '@patchbay/runtime';
import { type AppServer, type Route, startAppServer } from '@patchbay/runtime/testing';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterEach } from 'vitest';
import { encodeWav } from '../audio/index.js';
import * as media from '../index.js';
import { speechEnergy } from '../testing/audio-analysis.js';
import { type Phone, type PhoneOptions, startPhone } from '../testing/baresip.js';
import { freePort } from '../testing/processes.js';

export type Cleanup = (step: () => Promise<unknown>) => void;

/** Registers an afterEach that runs every step given during the test, newest first. */
export function useCleanup(): Cleanup {
  const steps: Array<() => Promise<unknown>> = [];
  // Generous: closing browsers, phones and servers with calls still up takes a while on a loaded machine.
  afterEach(async () => {
    for (const step of steps.splice(0).reverse()) await step().catch(() => undefined);
  }, 30_000);
  return (step) => steps.push(step);
}

export type Form = Record<string, string | readonly string[]>;
export type Json = Record<string, unknown>;

export interface Rest {
  post(path: string, form: Form): Promise<Json>;
  get(path: string): Promise<Json>;
  delete(path: string): Promise<number>;
  /** The raw response of a GET (for media such as a recording's `.wav`). */
  fetch(path: string): Promise<Response>;
}

export interface SipServer {
  readonly server: RunningServer;
  readonly sipPort: number;
  readonly rest: Rest;
}

/**
 * The `--media sip` settings a test gives: the RTP range, and any others it needs (trunks, TLS,
 * limits); `data` and `sipPort` to start a server again where one ran before.
 */
export type SipServerOptions = Partial<SipMediaOptions> &
  Pick<SipMediaOptions, 'rtpPorts'> & {
    readonly data?: string;
    readonly sipPort?: number;
    /** Device bridge settings (ICE servers handed to devices). */
    readonly devices?: ServeOptions['devices'];
    /** Serve the API, device channel and `/signal` over TLS (the hosted browser SDK needs it). */
    readonly serveTls?: { readonly certFile: string; readonly keyFile: string };
  };

/** A server with `--media sip` on 127.0.0.1 (UDP on a free port), data in a temporary directory. */
export async function sipServer(cleanup: Cleanup, given: SipServerOptions): Promise<SipServer> {
  const { data: givenData, sipPort: givenPort, devices, serveTls: tls, ...options } = given;
  const data = givenData ?? (await mkdtemp(join(tmpdir(), 'patchbay-sip-server-')));
  if (!givenData) cleanup(() => rm(data, { recursive: true, force: true }));
  const sipPort = givenPort ?? (await freePort('127.0.0.1'));
  const server = await startServer({
    port: 0,
    data,
    ...(tls ? { tls } : {}),
    media: {
      kind: 'sip',
      listen: [{ host: '127.0.0.1', port: sipPort, transports: ['udp'] }],
      allow: [],
      trunks: [],
      ...options,
      // A listen address given names no port: the server's is the free one found here.
      ...(options.listen ? { listen: options.listen.map((at) => ({ ...at, port: sipPort })) } : {}),
    },
    sipMedia: media,
    ...(devices ? { devices } : {}),
  });
  cleanup(() => server.close());
  return { server, sipPort, rest: restClient(server, tls ? trusting(readFileSync(tls.certFile)) : fetch) };
}

/** `fetch` that trusts the test's certificate `ca` (for a server over TLS). */
export function trusting(ca: Buffer): typeof fetch {
  const dispatcher = new Agent({ connect: { ca } });
  return ((url: string, init: object) => undiciFetch(url, { ...init, dispatcher })) as unknown as typeof fetch;
}

/** The account's REST API with its credentials. */
export function restClient(server: RunningServer, fetch = globalThis.fetch): Rest {
  const { sid, authToken } = server.account;
  const base = `${server.url}/2010-04-01/Accounts/${sid}/`;
  const authorization = `Basic ${btoa(`${sid}:${authToken}`)}`;
  const json = async (path: string, response: Response) => {
    const body = (await response.json()) as Json;
    if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(body)}`);
    return body;
  };
  return {
    async post(path, form) {
      const body = new URLSearchParams();
      for (const [key, value] of Object.entries(form))
        for (const item of typeof value === 'string' ? [value] : value) body.append(key, item);
      return json(path, await fetch(base + path, { method: 'POST', headers: { authorization }, body }));
    },
    async get(path) {
      return json(path, await fetch(base + path, { headers: { authorization } }));
    },
    async delete(path) {
      return (await fetch(base + path, { method: 'DELETE', headers: { authorization } })).status;
    },
    fetch: (path) => fetch(path.startsWith('http') ? path : base + path, { headers: { authorization } }),
  };
}

export const SUPPORT_LINE = '+15550100100';

export interface AppLine extends SipServer {
  readonly app: AppServer;
  /** Where a phone let in by address calls the line: sip:+15550100100@127.0.0.1:<port>. */
  readonly lineUri: string;
}

/**
 * An app with `routes`, a server that lets `callers` (their addresses) in without digest, and
 * +15550100100 pointed at the app's `/voice`.
 */
export async function appLine(
  cleanup: Cleanup,
  routes: Record<string, Route>,
  options: SipServerOptions & { readonly callers: readonly string[] },
): Promise<AppLine> {
  const app = await startAppServer(routes);
  cleanup(() => app.close());
  const server = await sipServer(cleanup, {
    ...options,
    allow: [...(options.allow ?? []), ...options.callers.map((address) => ({ address, prefix: 32 }))],
  });
  await server.rest.post('IncomingPhoneNumbers.json', { PhoneNumber: SUPPORT_LINE, VoiceUrl: `${app.url}/voice` });
  return { ...server, app, lineUri: `sip:${SUPPORT_LINE}@127.0.0.1:${server.sipPort}` };
}

/** A baresip phone, closed after the test. */
export async function phone(cleanup: Cleanup, options: PhoneOptions): Promise<Phone> {
  const started = await startPhone(options);
  cleanup(() => started.close());
  return started;
}

/** What a phone hears in the next `ms` (waits for the audio to arrive, not for a fixed time). */
export async function nextHeard(phone: Phone, ms: number): Promise<Int16Array> {
  const before = (await phone.heard()).length;
  const heard = await phone.listen(before / 8 + ms);
  return heard.subarray(before);
}

/**
 * Resolves once the phone has heard at least `activeMs` of speech from now on (a prompt may take
 * a moment to render and start on a loaded machine); rejects after `timeoutMs`.
 */
export async function hearsSpeech(phone: Phone, activeMs: number, timeoutMs = 10_000): Promise<void> {
  const from = (await phone.heard()).length;
  await eventually(
    `${activeMs} ms of speech heard by ${phone.uri}`,
    async () => (speechEnergy((await phone.heard()).subarray(from)).activeMs >= activeMs ? true : undefined),
    timeoutMs,
  );
}

/** Serves `pcm` as an 8 kHz WAV at `<url>/<anything>.wav`, as an app's media host would. */
export async function serveWav(cleanup: Cleanup, pcm: Int16Array): Promise<string> {
  const wav = Buffer.from(encodeWav([pcm], 8000));
  const http = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'audio/wav', 'content-length': wav.length });
    res.end(wav);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  cleanup(() => new Promise((resolve) => http.close(resolve)));
  return `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
}

/** Resolves once `check` returns a value (polled every 50 ms), or rejects after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
