/**
 * The softphone example's servers: Patchbay itself (`startServer`, data in a directory), and the
 * developer's side: a token server, the voice app that the page's number and the page's
 * outgoing calls run, and the page with its browser bundle. The number +15550100300 rings the
 * identity `alice`; whoever answers is asked to press 1 before being connected (call screening).
 *
 * @example
 * const phone = await startSoftphone({ data: './.patchbay-softphone' });
 * console.log(`open ${phone.pageUrl}`);
 * await phone.ring('+15550109999');
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { VoiceResponse } from '@patchbay/markup';
import { REALISTIC_TIMING, type RunningServer, type ServeOptions, startServer, type Timing } from '@patchbay/runtime';
import { AccessToken, Patchbay, VoiceGrant, webhook } from '@patchbay/sdk';
import { build } from 'esbuild';
import { EventEmitter } from 'eventemitter3';
import { ringtoneWav } from './ringtone.js';

export const PAGE_NUMBER = '+15550100300';

/**
 * Real audio: Patchbay with `--media sip` (WebRTC for the page, SIP and RTP for phones). SIP
 * phones on the machine's loopback call the page's number without a password
 * (`sip:+15550100300@<host>:<sipPort>`); the page can call them back by typing their SIP address.
 */
export interface RealMedia {
  /** Where SIP listens. @default 127.0.0.1 */
  readonly host?: string;
  /** @default 5062 (the start script), 0 picks a free one */
  readonly sipPort: number;
  /** RTP for phones and (its top quarter) WebRTC for pages. @default 30000-30999 */
  readonly rtpPorts?: { readonly min: number; readonly max: number };
  /** Who may call in without digest. @default 127.0.0.0/8 */
  readonly allow?: readonly { readonly address: string; readonly prefix: number }[];
}

export interface AppRequest {
  readonly path: string;
  readonly params: Record<string, string>;
}

export interface Softphone {
  /** Open this in a browser (`?identity=bob` for another identity). */
  readonly pageUrl: string;
  readonly patchbay: RunningServer;
  readonly client: Patchbay;
  /** Each request the voice app answered. */
  readonly requests: EventEmitter<{ request: (request: AppRequest) => void }>;
  /** Places a call from `from` to the page's number on the simulated network. */
  ring(from: string): Promise<string>;
  close(): Promise<void>;
}

/** The page bundle, built from page/main.ts for browsers: a Node-only import would fail here. */
async function bundle(): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('./page/main.ts', import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    minify: true,
    logLevel: 'silent',
  });
  return result.outputFiles[0]?.text ?? '';
}

/** What the page is made of, by path: its HTML and CSS as written, the bundle, the ringtone. */
async function pageFiles(): Promise<Record<string, { type: string; body: string | Buffer }>> {
  const read = (name: string) => readFile(new URL(`./page/${name}`, import.meta.url), 'utf8');
  return {
    '/': { type: 'text/html; charset=utf-8', body: await read('index.html') },
    '/softphone.css': { type: 'text/css; charset=utf-8', body: await read('softphone.css') },
    '/phone.css': { type: 'text/css; charset=utf-8', body: await read('phone.css') },
    '/softphone.js': { type: 'text/javascript; charset=utf-8', body: await bundle() },
    '/ringtone.wav': { type: 'audio/wav', body: ringtoneWav() },
  };
}

function formParams(body: unknown): Record<string, string> {
  return Object.fromEntries(
    Object.entries((body ?? {}) as Record<string, string | string[]>).map(([key, value]) => [
      key,
      Array.isArray(value) ? (value[0] ?? '') : value,
    ]),
  );
}

export async function startSoftphone(
  options: { data: string; port?: number; patchbayPort?: number; timing?: Timing; media?: RealMedia } = {
    data: './.patchbay-softphone',
  },
): Promise<Softphone> {
  const patchbay = await startServer({
    port: options.patchbayPort ?? 0,
    data: options.data,
    timing: options.timing ?? REALISTIC_TIMING,
    ...(options.media ? await realMedia(options.media) : {}),
  });
  const { account } = patchbay;
  const client = new Patchbay(account.sid, account.authToken, { baseUrl: patchbay.url });
  const key = await client.keys.create({ friendlyName: 'softphone token server' });
  const files = await pageFiles();
  const requests = new EventEmitter<{ request: (request: AppRequest) => void }>();

  const voice: Record<string, (params: Record<string, string>) => string> = {
    '/incoming': (params) => {
      const response = new VoiceResponse();
      const dial = response.dial({ timeout: 20, action: '/after-dial' });
      const client = dial.client({ url: '/screen' });
      client.identity('alice');
      client.parameter({ name: 'caller', value: params.From ?? '' });
      // The page's banner shows this, so the person knows what answering involves.
      client.parameter({ name: 'screening', value: 'Press 1 to take this call.' });
      return response.toString();
    },
    '/screen': () => {
      const response = new VoiceResponse();
      response.gather({ numDigits: 1, action: '/screened', timeout: 10 }).say('Press 1 to take this call.');
      response.hangup();
      return response.toString();
    },
    '/screened': (params) => {
      // Pressing 1 takes the call (the document ends and the bridge follows); anything else declines.
      const response = new VoiceResponse();
      if (params.Digits !== '1') response.hangup();
      return response.toString();
    },
    '/after-dial': () => {
      const response = new VoiceResponse();
      response.say('Goodbye.');
      return response.toString();
    },
    '/outgoing': (params) => {
      const to = params.To ?? '';
      const response = new VoiceResponse();
      if (to.startsWith('sip:')) {
        // A SIP address reaches a phone directly (real media): no announcement in the way.
        response.dial({ callerId: PAGE_NUMBER }).sip(to);
        return response.toString();
      }
      response.say(`Calling ${to || 'nobody'}.`);
      response.dial({ callerId: PAGE_NUMBER }, to);
      return response.toString();
    },
  };
  const guard = webhook({ authToken: account.authToken });

  let appUrl = '';
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://softphone');
    const file = req.method === 'GET' ? files[url.pathname] : undefined;
    if (file) {
      res.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-cache' });
      res.end(file.body);
      return;
    }
    if (req.method === 'GET' && url.pathname === '/token') {
      // A real app decides who the visitor is from its own session; the example takes it from the query.
      const identity = url.searchParams.get('identity') ?? 'alice';
      if (!/^[\w.@-]{1,64}$/.test(identity)) {
        res.writeHead(400).end('bad identity');
        return;
      }
      const token = new AccessToken(account.sid, key.sid, key.secret, { identity, ttl: 3600 })
        .addGrant(new VoiceGrant({ incomingAllow: true, outgoingApplicationSid: outgoingApp }))
        .toJwt();
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify({ token, identity, server: patchbay.url }));
      return;
    }
    const route = voice[url.pathname];
    if (req.method !== 'POST' || !route) {
      res.writeHead(404).end();
      return;
    }
    guard(req, res, () => {
      const params = formParams((req as IncomingMessage & { body?: unknown }).body);
      requests.emit('request', { path: url.pathname, params });
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.end(route(params));
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const app = await client.applications.create({ friendlyName: 'softphone outgoing', voiceUrl: `${appUrl}/outgoing` });
  const outgoingApp = app.sid;
  const numbers = await client.incomingPhoneNumbers.list({ phoneNumber: PAGE_NUMBER });
  const numberSettings = { voiceUrl: `${appUrl}/incoming`, friendlyName: 'softphone' };
  if (numbers[0]) await client.incomingPhoneNumbers.update(numbers[0].sid, numberSettings);
  else await client.incomingPhoneNumbers.create({ phoneNumber: PAGE_NUMBER, ...numberSettings });

  return {
    pageUrl: appUrl,
    patchbay,
    client,
    requests,
    async ring(from) {
      if (!patchbay.network)
        throw new Error('ring() needs the simulated network: with real media, call the page from a SIP phone');
      return (await client.simulator.calls.create({ from, to: PAGE_NUMBER })).sid;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await patchbay.close();
    },
  };
}

/** The server options for real media, loading @patchbay/media only when asked for. */
async function realMedia(media: RealMedia): Promise<Pick<ServeOptions, 'media' | 'sipMedia'>> {
  const host = media.host ?? '127.0.0.1';
  return {
    media: {
      kind: 'sip',
      listen: [{ host, port: media.sipPort, transports: ['udp', 'tcp'] }],
      rtpPorts: media.rtpPorts ?? { min: 30000, max: 30999 },
      allow: media.allow ?? [{ address: '127.0.0.0', prefix: 8 }],
      trunks: [],
    },
    sipMedia: await import('@patchbay/media'),
  };
}
