/**
 * The server's port: bound with typed errors (a busy port or an address not on this machine is a
 * StartupError with what to do, not a stack trace), and released only after the drain so a quick
 * restart cannot overlap the old process.
 */
import { createServer, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { StartupError } from '../startup-error.js';

/** With `tls` (PEM, see tls.ts) the port speaks HTTPS and WSS only. */
export async function listen(
  port: number,
  host: string,
  tls?: { readonly cert: Buffer; readonly key: Buffer },
): Promise<{ server: Server; url: string }> {
  const server: Server = tls ? createTlsServer({ cert: tls.cert, key: tls.key }) : createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      throw new StartupError(
        'port-in-use',
        `port ${port} on ${host} is in use by another process`,
        'stop it, or choose another --port',
        { cause: error },
      );
    }
    if (code === 'EADDRNOTAVAIL' || code === 'EACCES' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
      throw new StartupError(
        'address-unavailable',
        `cannot listen on ${host}:${port} (${code})`,
        code === 'EACCES'
          ? 'ports below 1024 need privileges: choose a higher --port'
          : 'give a --host address of this machine (127.0.0.1, 0.0.0.0, ::)',
        { cause: error },
      );
    }
    throw error;
  }
  const { port: bound } = server.address() as AddressInfo;
  return { server, url: `${tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${bound}` };
}

/** Stops listening and ends every connection; resolves once the port is free. */
export async function unlisten(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
}
