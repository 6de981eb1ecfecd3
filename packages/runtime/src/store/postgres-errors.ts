/**
 * What a PostgreSQL failure means for Patchbay. At start-up: a StartupError in words, naming the
 * server (host and port, never the password). While running: a write the database could not
 * take (the server is down, restarting, out of space) becomes the typed `store-unavailable` or
 * `store-full` error that `monitored()` (health.ts) turns into the degraded state and a 503.
 */
import { PatchbayError } from '../errors.js';
import { StartupError } from '../startup-error.js';

/** Node's network errno codes that mean "the server cannot be reached". */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);
/** SQLSTATEs of a refused login: bad password, no such role, no such database, not allowed. */
const REFUSED = new Set(['28P01', '28000', '3D000', '42501']);

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Where a postgres:// URL points, for messages: `host:port/database`, never the password. */
export function describeServer(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
  } catch {
    return 'the PostgreSQL server';
  }
}

/** The StartupError for a failed first connection or migration. */
export function openError(error: unknown, url: string): StartupError {
  const where = describeServer(url);
  const code = codeOf(error);
  if (code && REFUSED.has(code))
    return new StartupError(
      'database-refused',
      `PostgreSQL at ${where} refused the connection (${code}: ${(error as Error).message})`,
      'check the user, password and database in --store (or PATCHBAY_STORE); the database must exist and the user may create tables in it',
      { cause: error },
    );
  const message = error instanceof Error ? error.message : String(error);
  if ((code && UNREACHABLE.has(code)) || /timeout|terminated/i.test(message))
    return new StartupError(
      'database-unreachable',
      `cannot reach PostgreSQL at ${where} (${code ?? message})`,
      'start the database server, or correct the host and port in --store (or PATCHBAY_STORE)',
      { cause: error },
    );
  return new StartupError(
    'database-unreachable',
    `cannot open the store in PostgreSQL at ${where}: ${message.replaceAll(url, where)}`,
    'see the PostgreSQL server log',
    { cause: error },
  );
}

/**
 * The typed error for a query the database could not run because of the database's state, or
 * undefined for any other failure (a bug, a refused change), which passes through unchanged.
 */
export function runtimeError(error: unknown): PatchbayError | undefined {
  if (error instanceof PatchbayError) return undefined;
  const code = codeOf(error);
  // 53100 disk_full, 53200 out_of_memory (class 53: insufficient resources).
  if (code === '53100')
    return new PatchbayError('store-full', 'the database is full (53100): free space on the PostgreSQL server', {
      cause: error,
    });
  const message = error instanceof Error ? error.message : '';
  const unavailable =
    (code !== undefined &&
      (UNREACHABLE.has(code) ||
        code === 'ECONNRESET' ||
        code === 'EPIPE' ||
        /^(08|53|57P|58)/.test(code) ||
        code === '25006')) ||
    /Connection terminated|connection timeout|Client has encountered a connection error|not queryable/i.test(message);
  if (!unavailable) return undefined;
  return new PatchbayError(
    'store-unavailable',
    `the database cannot be reached (${code ?? 'connection lost'}): see the server log`,
    {
      cause: error,
    },
  );
}
