/**
 * `patchbay calls tail` as a user runs it: a real process following a real server's event
 * stream, through a server restart and a dropped connection, stopped with Ctrl-C.
 */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer as createHttpServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer, type Socket, connect as tcpConnect } from 'node:net';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import {
  cleanUpProcesses,
  dataDirectory,
  runPatchbay,
  servePatchbay,
  spawnPatchbay,
} from './processes.test-support.js';

afterEach(cleanUpProcesses);

/** The lines a stream prints, and a way to wait for one. */
function lines(stream: NodeJS.ReadableStream) {
  const seen: string[] = [];
  const waiters: Array<() => void> = [];
  createInterface({ input: stream }).on('line', (line) => {
    seen.push(line);
    for (const wake of waiters.splice(0)) wake();
  });
  return {
    seen,
    async waitFor(pattern: RegExp): Promise<string> {
      for (;;) {
        const found = seen.find((line) => pattern.test(line));
        if (found !== undefined) return found;
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    },
  };
}

function tail(env: Record<string, string>, args: string[] = []) {
  const child = spawnPatchbay(['calls', 'tail', ...args], env, 'pipe');
  return {
    child,
    out: lines(child.stdout as NodeJS.ReadableStream),
    err: lines(child.stderr as NodeJS.ReadableStream),
  };
}

async function freePort(): Promise<number> {
  const server = createHttpServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

async function placeCall(env: Record<string, string>): Promise<string> {
  const { stdout } = await runPatchbay(
    ['calls', 'create', '--to', '+15559990001', '--from', '+15550001111', '--twiml', '<Response><Hangup/></Response>'],
    env,
  );
  return stdout.split(' ')[0] as string;
}

const statusesOf = (seen: string[], sid: string) =>
  seen.filter((line) => line.includes(sid)).map((line) => line.split(/ {2}/).at(-1));

async function interrupt(child: ChildProcess): Promise<number | null> {
  child.kill('SIGINT');
  const [code] = (await once(child, 'exit')) as [number | null];
  return code;
}

describe('patchbay calls tail', () => {
  it('prints one line per event with its time, ringing included; Ctrl-C exits 0', async () => {
    const server = await servePatchbay(await dataDirectory('patchbay-tail-'));
    const follower = tail(server.env);
    await follower.err.waitFor(/^patchbay: following http/);
    const sid = await placeCall(server.env);
    const ended = await follower.out.waitFor(new RegExp(`${sid} .* completed$`));
    expect(ended).toMatch(
      new RegExp(
        `^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z {2}${sid} {2}outbound-api {2}\\+15550001111 -> \\+15559990001 {2}completed$`,
      ),
    );
    expect(statusesOf(follower.out.seen, sid)).toEqual(['queued', 'ringing', 'in-progress', 'completed']);
    expect(await interrupt(follower.child)).toBe(0);
    expect(follower.err.seen).toEqual([`patchbay: following ${server.url} (Ctrl-C to stop)`]);
  }, 30_000);

  it('when the server stops, says so, reconnects with backoff once it is back, and goes on', async () => {
    const data = await dataDirectory('patchbay-tail-restart-');
    const port = await freePort();
    const first = await servePatchbay(data, {}, port);
    const follower = tail(first.env);
    await follower.err.waitFor(/^patchbay: following/);
    first.child.kill('SIGTERM');
    await follower.err.waitFor(new RegExp(`^patchbay: ${first.url} is shutting down; reconnecting in \\d+\\.\\d s$`));
    await follower.err.waitFor(/^patchbay: cannot reach .* \(connection refused\); reconnecting in \d+\.\d s$/);
    const second = await servePatchbay(
      data,
      {
        PATCHBAY_ACCOUNT_SID: first.env.PATCHBAY_ACCOUNT_SID as string,
        PATCHBAY_AUTH_TOKEN: first.env.PATCHBAY_AUTH_TOKEN as string,
      },
      port,
    );
    await follower.err.waitFor(/^patchbay: reconnected to http/);
    await follower.err.waitFor(/^patchbay: the server restarted: events from just before it may be missing$/);
    const sid = await placeCall(second.env);
    await follower.out.waitFor(new RegExp(`${sid} .* completed$`));
    expect(await interrupt(follower.child)).toBe(0);
    expect(follower.err.seen.join('\n')).not.toMatch(/Error|at /);
  }, 60_000);

  it('after a dropped connection, resumes without losing or repeating an event', async () => {
    const server = await servePatchbay(await dataDirectory('patchbay-tail-drop-'));
    const upstream = new URL(server.url);
    // A TCP proxy between the follower and the server, whose connections the test cuts.
    let down = false;
    const sockets = new Set<Socket>();
    const proxy = createServer((client) => {
      if (down) return client.destroy();
      const up = tcpConnect(Number(upstream.port), upstream.hostname);
      for (const socket of [client, up]) {
        sockets.add(socket);
        socket.on('error', () => undefined);
        socket.on('close', () => sockets.delete(socket));
      }
      client.pipe(up).pipe(client);
    }).listen(0, '127.0.0.1');
    await once(proxy, 'listening');
    try {
      const via = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
      const follower = tail({ ...server.env, PATCHBAY_URL: via });
      await follower.err.waitFor(/^patchbay: following/);
      const before = await placeCall(server.env);
      await follower.out.waitFor(new RegExp(`${before} .* completed$`));
      // Cut the connection; while it is down, two calls come and go.
      down = true;
      for (const socket of sockets) socket.destroy();
      await follower.err.waitFor(/lost the connection/);
      const during = [await placeCall(server.env), await placeCall(server.env)];
      for (const sid of during) await runPatchbay(['calls', 'get', sid], server.env);
      down = false;
      await follower.err.waitFor(/^patchbay: reconnected to /);
      const after = await placeCall(server.env);
      await follower.out.waitFor(new RegExp(`${after} .* completed$`));
      for (const sid of [before, ...during, after])
        expect(statusesOf(follower.out.seen, sid)).toEqual(['queued', 'ringing', 'in-progress', 'completed']);
      expect(follower.err.seen.join('\n')).not.toContain('missing');
      expect(await interrupt(follower.child)).toBe(0);
    } finally {
      proxy.close();
      for (const socket of sockets) socket.destroy();
    }
  }, 60_000);

  it('--call follows one call; a server that is not running at the start is an error', async () => {
    const server = await servePatchbay(await dataDirectory('patchbay-tail-call-'));
    const sid = await placeCall(server.env);
    const follower = tail(server.env, ['--call', sid]);
    await follower.err.waitFor(/^patchbay: following/);
    const other = await placeCall(server.env);
    await runPatchbay(['calls', 'get', other], server.env);
    expect(await interrupt(follower.child)).toBe(0);
    expect(follower.out.seen.join('\n')).not.toContain(other);
    const nothing = await runPatchbay(['calls', 'tail'], {
      ...server.env,
      PATCHBAY_URL: `http://127.0.0.1:${await freePort()}`,
    });
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toMatch(/^patchbay: cannot reach Patchbay at .* \(connection refused\)/);
  }, 30_000);

  it("behind a reverse proxy, rides out the proxy's 502 while the server restarts", async () => {
    const data = await dataDirectory('patchbay-tail-proxy-');
    const port = await freePort();
    const first = await servePatchbay(data, {}, port);
    // An HTTP reverse proxy as nginx is one: it streams, and answers 502 (HTML) when nothing listens behind it.
    const proxy = createHttpServer((req, res) => {
      const up = httpRequest(
        { host: '127.0.0.1', port, path: req.url, method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      up.on('error', () => {
        if (res.headersSent) return res.destroy();
        res.writeHead(502, { 'content-type': 'text/html' }).end('<html><body>502 Bad Gateway</body></html>');
      });
      req.pipe(up);
    }).listen(0, '127.0.0.1');
    await once(proxy, 'listening');
    try {
      const env = { ...first.env, PATCHBAY_URL: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}` };
      const follower = tail(env);
      await follower.err.waitFor(/^patchbay: following/);
      first.child.kill('SIGTERM');
      await once(first.child, 'exit');
      await follower.err.waitFor(/answered HTTP 502; reconnecting in \d+\.\d s$/);
      // A command meanwhile says where the trouble is: behind the proxy.
      const refused = await runPatchbay(['calls', 'list'], env);
      expect([refused.code, refused.stderr]).toEqual([
        1,
        `patchbay: ${env.PATCHBAY_URL} answered HTTP 502 (Bad Gateway), a proxy's answer when nothing answers behind it (unreachable): is \`patchbay serve\` running behind the proxy, at the address the proxy sends to?\n`,
      ]);
      const second = await servePatchbay(
        data,
        {
          PATCHBAY_ACCOUNT_SID: first.env.PATCHBAY_ACCOUNT_SID as string,
          PATCHBAY_AUTH_TOKEN: first.env.PATCHBAY_AUTH_TOKEN as string,
        },
        port,
      );
      await follower.err.waitFor(/^patchbay: reconnected to http/);
      const sid = await placeCall(second.env);
      await follower.out.waitFor(new RegExp(`${sid} .* completed$`));
      expect(await interrupt(follower.child)).toBe(0);
    } finally {
      proxy.close();
      proxy.closeAllConnections();
    }
  }, 60_000);
});
