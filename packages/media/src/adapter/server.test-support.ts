/**
 * Shared pieces of the tests that start a real server with `--media sip`: the server on a SIP
 * port of its own with the options a test needs (trunks, TLS), its REST API as a function, an
 * app route that resolves a promise when the server calls it, and cleanup after each test.
 *
 * @example
 * const { server, sipPort, post } = await sipServer({ rtpPorts: [50000, 50198] });
 * const call = await post('Calls.json', { To: 'sip:alice@acme.sip.patchbay.local', From: '+15550100100', Url });
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SipMediaOptions } from '@patchbay/runtime';
import { type RunningServer, startServer } from '@patchbay/runtime';
import type { RecordedRequest, Reply } from '@patchbay/runtime/testing';
import { afterEach } from 'vitest';
import * as media from '../index.js';
import type { Phone } from '../testing/baresip.js';
import { freePort } from '../testing/processes.js';

export const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step().catch(() => undefined);
});

export type Post = (path: string, form: Record<string, string>) => Promise<Record<string, string>>;

export interface TestServer {
  readonly server: RunningServer;
  readonly sipPort: number;
  post: Post;
  get(path: string): Promise<Record<string, unknown>>;
}

export async function sipServer(
  options: { rtpPorts: [number, number] } & Partial<Pick<SipMediaOptions, 'trunks' | 'tls' | 'allow'>>,
): Promise<TestServer> {
  const data = await mkdtemp(join(tmpdir(), 'patchbay-sip-server-'));
  cleanup.push(() => rm(data, { recursive: true, force: true }));
  const sipPort = await freePort('127.0.0.1');
  const server = await startServer({
    port: 0,
    data,
    media: {
      kind: 'sip',
      listen: [{ host: '127.0.0.1', port: sipPort, transports: ['udp'] }],
      rtpPorts: { min: options.rtpPorts[0], max: options.rtpPorts[1] },
      allow: options.allow ?? [],
      trunks: options.trunks ?? [],
      ...(options.tls ? { tls: options.tls } : {}),
    },
    sipMedia: media,
  });
  cleanup.push(() => server.close());
  const { sid, authToken } = server.account;
  const base = `${server.url}/2010-04-01/Accounts/${sid}/`;
  const authorization = `Basic ${btoa(`${sid}:${authToken}`)}`;
  const post: Post = async (path, form) => {
    const response = await fetch(base + path, {
      method: 'POST',
      headers: { authorization },
      body: new URLSearchParams(form),
    });
    const body = (await response.json()) as Record<string, string>;
    if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(body)}`);
    return body;
  };
  const get = async (path: string) =>
    (await (await fetch(base + path, { headers: { authorization } })).json()) as Record<string, unknown>;
  return { server, sipPort, post, get };
}

/** An app route that answers `reply` and resolves `next()` with each request it gets. */
export function awaited(reply: Reply | ((request: RecordedRequest) => Reply)) {
  const seen: RecordedRequest[] = [];
  const waiters: Array<(request: RecordedRequest) => void> = [];
  return {
    route(request: RecordedRequest): Reply {
      const waiter = waiters.shift();
      if (waiter) waiter(request);
      else seen.push(request);
      return typeof reply === 'function' ? reply(request) : reply;
    },
    next(): Promise<RecordedRequest> {
      const early = seen.shift();
      return early ? Promise.resolve(early) : new Promise((resolve) => waiters.push(resolve));
    },
  };
}

/** What a phone hears in the next `ms`. */
export async function nextHeard(phone: Phone, ms: number): Promise<Int16Array> {
  const before = (await phone.heard()).length;
  const heard = await phone.listen(before / 8 + ms);
  return heard.subarray(before);
}
