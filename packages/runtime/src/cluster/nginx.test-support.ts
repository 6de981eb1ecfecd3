/**
 * A real nginx (Debian's) in front of several nodes, as docs/cluster.md tells operators to run
 * it: HTTP keep-alive to the nodes, WebSocket upgrades (the device channel, the hosted browser
 * SDK's signalling), unbuffered responses (server-sent events, long-poll), and a node that stops
 * answering taken out of rotation. Its files live in a temp directory removed on `close()`.
 *
 * @example
 * const balancer = await startNginx(['127.0.0.1:4101', '127.0.0.1:4102']);
 * await fetch(`${balancer.url}/health`);
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nginxConfig } from './nginx-site.js';

export { type NginxSite, nginxSite } from './nginx-site.js';

export interface Balancer {
  /** `http://127.0.0.1:<port>`: what clients, devices and apps are given. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** A port free on 127.0.0.1 now (nginx cannot be told to pick one itself). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

const NGINX = '/usr/sbin/nginx';

/** Starts nginx in front of `upstreams`; resolves once it accepts connections. */
export async function startNginx(upstreams: readonly string[]): Promise<Balancer> {
  const prefix = await mkdtemp(join(tmpdir(), 'patchbay-nginx-'));
  // Started as root, nginx's workers run as `nobody`: they must reach the temp directories under
  // the prefix, where a request body larger than its buffer (16 KiB) is spooled (else 500).
  await chmod(prefix, 0o755);
  const port = await freePort();
  const config = join(prefix, 'nginx.conf');
  await writeFile(config, nginxConfig({ listen: `127.0.0.1:${port}`, upstreams }, prefix));
  const child = spawn(NGINX, ['-p', prefix, '-c', config, '-e', 'stderr', '-g', 'daemon off; master_process on;'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let said = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    said += chunk.toString('utf8');
  });
  const failed = new Promise<never>((_, reject) => {
    child.once('error', (error) => reject(new Error(`nginx did not start (${NGINX}): ${error.message}`)));
    child.once('exit', (code) => reject(new Error(`nginx exited (${code}) before listening: ${said.trim()}`)));
  });
  await Promise.race([listening(port), failed]);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    async close() {
      await stop(child);
      await rm(prefix, { recursive: true, force: true });
    },
  };
}

/**
 * Resolves once something accepts TCP connections on the port: nginx says nothing when it is
 * ready, so the port is tried (every 20 ms, for at most 10 s).
 */
async function listening(port: number): Promise<void> {
  for (let tries = 0; tries < 500; tries++) {
    const accepted = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (accepted) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`nginx did not listen on 127.0.0.1:${port} within 10 s`);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGQUIT');
  // A graceful quit waits for every open connection, an event stream a client gave up on included
  // (about 4 s): past a moment, the fast stop.
  const fast = setTimeout(() => child.kill('SIGTERM'), 250);
  await exited;
  clearTimeout(fast);
}
