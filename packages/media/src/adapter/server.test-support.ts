/**
 * Shared pieces of the tests that start a real server with `--media sip`: the server on a SIP
 * port of its own with the options a test needs (trunks, TLS), its REST API as a function, an
 * app route that resolves a promise when the server calls it, and cleanup after each test.
 *
 * @example
 * const { server, sipPort, post } = await sipServer({ rtpPorts: [50000, 50198] });
 * const call = await post('Calls.json', { To: 'sip:alice@acme.sip.patchbay.local', From: '+15550100100', Url });
 */
import type { RunningServer, SipMediaOptions } from '@patchbay/runtime';
import type { RecordedRequest, Reply } from '@patchbay/runtime/testing';
import { afterEach } from 'vitest';
import { sipServer as startSipServer } from './scenarios.test-support.js';

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
  const { rtpPorts, ...others } = options;
  const started = await startSipServer((step) => void cleanup.push(step), {
    rtpPorts: { min: rtpPorts[0], max: rtpPorts[1] },
    ...others,
  });
  const post: Post = async (path, form) => (await started.rest.post(path, form)) as Record<string, string>;
  // Any answer, failures included: tests look at refusals too.
  const get = async (path: string) => (await (await started.rest.fetch(path)).json()) as Record<string, unknown>;
  return { server: started.server, sipPort: started.sipPort, post, get };
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

export { nextHeard } from './scenarios.test-support.js';
