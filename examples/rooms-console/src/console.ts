/**
 * The organizer console's servers: Patchbay itself (`startServer`, data in a directory), and the
 * developer's side, which holds the account's credentials so the page never sees them:
 *
 * - `GET /session`: who the organizer is, an access token for the device channel with a
 *   `RoomsGrant` (organizer) for the account's rooms, and the key the page's REST client uses
 *   with this server (a real app takes both from its own sign-in);
 * - `/api/patchbay/v1/Rooms...`: the page's REST client (`client.rooms`) through this server,
 *   which checks the page's key and adds the account's credentials (nothing else is passed on);
 * - the page: `src/page/index.html`, its stylesheets, and the bundle esbuild builds from
 *   `src/page/main.ts`.
 *
 * The account gets numbers for rooms (each room takes a free one). On the simulated network the
 * organizer's phone answers; other numbers behave as `phones` says.
 *
 * @example
 * const console = await startConsole({ data: './.patchbay-rooms' });
 * console.log(`open ${console.pageUrl}`);
 */
import { timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import {
  type Clock,
  REALISTIC_TIMING,
  type RunningServer,
  type ServeOptions,
  startServer,
  type Timing,
} from '@patchbay/runtime';
import { AccessToken, MAX_GRANT_ROOMS, Patchbay, RoomsGrant } from '@patchbay/sdk';
import { build } from 'esbuild';

/** Numbers the account holds for rooms: a room takes one nothing else uses. */
export const ROOM_NUMBERS = ['+15550100901', '+15550100902', '+15550100903', '+15550100904', '+15550100905'];

/** The person using the console (a real app knows them from its sign-in). */
export const ORGANIZER = {
  firstName: 'Olga',
  lastName: 'Novak',
  identity: 'olga',
  phoneNumber: '+15550100800',
} as const;

export interface ConsoleOptions {
  readonly data: string;
  /** The page's port. @default 0 (any free one) */
  readonly port?: number;
  readonly patchbayPort?: number;
  readonly timing?: Timing;
  /** The runtime's clock (tests move it forward). */
  readonly clock?: Clock;
  readonly devices?: ServeOptions['devices'];
}

export interface Console {
  readonly pageUrl: string;
  readonly patchbay: RunningServer;
  /** The account's REST client (server side). */
  readonly client: Patchbay;
  close(): Promise<void>;
}

/** The page bundle, built from page/main.ts for browsers. */
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

async function pageFiles(): Promise<Record<string, { type: string; body: string }>> {
  const read = (name: string) => readFile(new URL(`./page/${name}`, import.meta.url), 'utf8');
  return {
    '/': { type: 'text/html; charset=utf-8', body: await read('index.html') },
    '/console.css': { type: 'text/css; charset=utf-8', body: await read('console.css') },
    '/controls.css': { type: 'text/css; charset=utf-8', body: await read('controls.css') },
    '/room.css': { type: 'text/css; charset=utf-8', body: await read('room.css') },
    '/extras.css': { type: 'text/css; charset=utf-8', body: await read('extras.css') },
    '/console.js': { type: 'text/javascript; charset=utf-8', body: await bundle() },
  };
}

/** What the page may reach through this server: the rooms, and nothing else of the account. */
const PASSED = /^\/api(\/patchbay\/v1\/Rooms(?:\/[A-Za-z0-9]+)*)$/;
const MAX_BODY = 64 * 1024;

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        resolve(undefined);
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

export async function startConsole(options: ConsoleOptions): Promise<Console> {
  const patchbay = await startServer({
    port: options.patchbayPort ?? 0,
    data: options.data,
    timing: options.timing ?? REALISTIC_TIMING,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.devices ? { devices: options.devices } : {}),
  });
  const { account } = patchbay;
  const client = new Patchbay(account.sid, account.authToken, { baseUrl: patchbay.url });
  const key = await client.keys.create({ friendlyName: 'rooms console token server' });
  for (const phoneNumber of ROOM_NUMBERS) {
    const held = await client.incomingPhoneNumbers.list({ phoneNumber });
    if (held.length === 0) await client.incomingPhoneNumbers.create({ phoneNumber, friendlyName: 'for rooms' });
  }
  // The page's REST key, made afresh at each start: it only opens this server's rooms pass-through.
  const pageKey = crypto.randomUUID();
  const accountAuth = `Basic ${Buffer.from(`${account.sid}:${account.authToken}`).toString('base64')}`;
  const files = await pageFiles();

  /** An organizer's token for the account's rooms (the grant names them, at most 100). */
  const token = async () => {
    const rooms = (await client.rooms.list({ limit: MAX_GRANT_ROOMS })).map((room) => room.sid);
    const built = new AccessToken(account.sid, key.sid, key.secret, { identity: ORGANIZER.identity, ttl: 3600 });
    if (rooms.length > 0) built.addGrant(new RoomsGrant({ rooms, organizer: true }));
    return built.toJwt();
  };

  const pass = async (req: IncomingMessage, res: ServerResponse, path: string, search: string) => {
    const [scheme, encoded] = (req.headers.authorization ?? '').split(' ');
    const password =
      Buffer.from(encoded ?? '', 'base64')
        .toString()
        .split(':')[1] ?? '';
    if (scheme !== 'Basic' || !sameSecret(password, pageKey)) return json(res, 401, { message: 'sign in again' });
    const method = req.method ?? 'GET';
    if (!['GET', 'POST', 'DELETE'].includes(method)) return json(res, 405, { message: 'method not allowed' });
    const body = method === 'POST' ? await readBody(req) : undefined;
    if (method === 'POST' && body === undefined) return json(res, 413, { message: 'request too large' });
    const answer = await fetch(`${patchbay.url}${path}${search}`, {
      method,
      headers: {
        authorization: accountAuth,
        accept: 'application/json',
        ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(body ? { body: new Uint8Array(body) } : {}),
    });
    res.writeHead(answer.status, {
      'content-type': answer.headers.get('content-type') ?? 'application/json',
      'cache-control': 'no-store',
    });
    res.end(Buffer.from(await answer.arrayBuffer()));
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://console');
    const file = req.method === 'GET' ? files[url.pathname] : undefined;
    if (file) {
      res.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-cache' });
      res.end(file.body);
      return;
    }
    const handled = (work: Promise<void>) =>
      work.catch(() => {
        if (!res.headersSent) json(res, 502, { message: 'Patchbay cannot be reached' });
        else res.destroy();
      });
    if (req.method === 'GET' && url.pathname === '/session') {
      // A real app decides who the visitor is from its own sign-in; the example has one organizer.
      void handled(
        token().then((jwt) =>
          json(res, 200, {
            token: jwt,
            server: patchbay.url,
            accountSid: account.sid,
            restKey: pageKey,
            organizer: ORGANIZER,
          }),
        ),
      );
      return;
    }
    const passed = PASSED.exec(url.pathname)?.[1];
    if (passed) {
      void handled(pass(req, res, passed, url.search));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const pageUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    pageUrl,
    patchbay,
    client,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await patchbay.close();
    },
  };
}
