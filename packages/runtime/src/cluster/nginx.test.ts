/**
 * The load balancer docs/cluster.md configures, for real (Debian's nginx) in front of two
 * nodes: requests reach both, WebSockets upgrade through it, server-sent events arrive as they
 * are sent (not when the response ends), a device's long-poll requests stay on one node, and a
 * node that is gone is skipped, POSTs included when the connection was refused.
 */
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { type Balancer, nginxSite, startNginx } from './nginx.test-support.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A stand-in node: answers its name, echoes WebSocket messages with it, streams events on /events. */
async function node(name: string): Promise<{ address: string; server: Server; release: () => void }> {
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const server = createServer((req, res) => {
    if (req.url === '/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`data: first from ${name}\n\n`);
      void released.then(() => res.end('data: last\n\n'));
      return;
    }
    req.resume();
    req.on('end', () => res.end(JSON.stringify({ node: name, method: req.method })));
  });
  const sockets = new WebSocketServer({ server });
  sockets.on('connection', (socket) => socket.on('message', (data) => socket.send(`${name}: ${String(data)}`)));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  cleanups.push(async () => {
    release();
    sockets.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return { address: `127.0.0.1:${port}`, server, release };
}

async function balance(upstreams: string[]): Promise<Balancer> {
  const balancer = await startNginx(upstreams);
  cleanups.push(() => balancer.close());
  return balancer;
}

const whoAnswers = async (url: string, init?: RequestInit) =>
  ((await (await fetch(url, init)).json()) as { node: string }).node;

it('spreads requests over the nodes and carries WebSockets and event streams through', async () => {
  const a = await node('a');
  const b = await node('b');
  const balancer = await balance([a.address, b.address]);

  // Held connections on one node send the next ones to the other (fewest connections).
  const held = await fetch(`${balancer.url}/events`);
  const reader = (held.body as ReadableStream<Uint8Array>).getReader();
  const first = new TextDecoder().decode((await reader.read()).value);
  const holder = /first from (\w)/.exec(first)?.[1];
  expect(holder).toMatch(/^[ab]$/);
  const other = holder === 'a' ? 'b' : 'a';
  expect(await whoAnswers(`${balancer.url}/x`)).toBe(other);
  (holder === 'a' ? a : b).release();
  expect(new TextDecoder().decode((await reader.read()).value)).toContain('data: last');

  const socket = new WebSocket(`${balancer.url.replace('http', 'ws')}/signal`);
  await once(socket, 'open');
  socket.send('hello');
  const [echo] = (await once(socket, 'message')) as [Buffer];
  expect(String(echo)).toMatch(/^[ab]: hello$/);
  socket.close();
});

it("sends a client's long-poll requests and answers to one node (its session lives there), while the rest spread", async () => {
  const a = await node('a');
  const b = await node('b');
  const c = await node('c');
  const balancer = await balance([a.address, b.address, c.address]);
  const polled = new Set<string>();
  const spread = new Set<string>();
  for (let i = 0; i < 6; i++) {
    polled.add(await whoAnswers(`${balancer.url}/devices/v1/poll`, { method: 'POST', body: '{}' }));
    polled.add(await whoAnswers(`${balancer.url}/devices/v1/poll`));
    polled.add(await whoAnswers(`${balancer.url}/devices/v1/answer`, { method: 'POST', body: '{}' }));
    spread.add(await whoAnswers(`${balancer.url}/2010-04-01/Calls.json`, { method: 'POST', body: 'To=x' }));
  }
  expect(polled.size).toBe(1);
  expect(spread.size).toBeGreaterThan(1);
});

it('skips a node that is gone, for POSTs too when it refused the connection', async () => {
  const a = await node('a');
  const b = await node('b');
  const balancer = await balance([a.address, b.address]);
  b.server.closeAllConnections();
  await new Promise((resolve) => b.server.close(resolve));
  const answered = new Set<string>();
  for (let i = 0; i < 6; i++) {
    answered.add(await whoAnswers(`${balancer.url}/2010-04-01/Accounts`));
    answered.add(await whoAnswers(`${balancer.url}/2010-04-01/Calls.json`, { method: 'POST', body: 'To=x' }));
  }
  expect([...answered]).toEqual(['a']);
});

it('is the configuration docs/cluster.md shows', async () => {
  const docs = await readFile(join(import.meta.dirname, '../../../../docs/cluster.md'), 'utf8');
  const shown = /```nginx\n([\s\S]*?)```/.exec(docs)?.[1];
  const example = nginxSite({ listen: '80', upstreams: ['10.0.0.11:3000', '10.0.0.12:3000', '10.0.0.13:3000'] });
  expect(shown).toBe(example);
});
