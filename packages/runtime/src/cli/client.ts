/**
 * The CLI's side of the REST API: which server and account (flags or environment, checked before
 * anything is sent), one request at a time with Basic auth, and what went wrong as a CliError a
 * user can act on (server not running, not a Patchbay server, refused with its REST code).
 *
 * @example
 * const c = connect({ server: 'http://127.0.0.1:3000', account: 'AC...', token: '...' }, process.env);
 * const page = await api(c, 'GET', 'Calls.json?PageSize=20');
 */
import { CliError, RestRefusal } from './errors.js';
import { checkUrl } from './flags.js';

export type Env = Readonly<Record<string, string | undefined>>;

export const DEFAULT_SERVER = 'http://127.0.0.1:3000';

export interface Connection {
  /** Base URL, without a trailing slash. */
  readonly server: string;
  readonly account: string;
  /** The Authorization header. */
  readonly auth: string;
}

/** A variable counts as unset when empty. */
const fromEnv = (env: Env, name: string) => env[name] || undefined;

/** The server's base URL: `--server`, else PATCHBAY_URL, else the default; checked. */
export function serverUrl(given: string | undefined, env: Env): string {
  const source = given !== undefined ? '--server' : 'PATCHBAY_URL';
  const value = given ?? fromEnv(env, 'PATCHBAY_URL') ?? DEFAULT_SERVER;
  const problem = checkUrl(value);
  if (problem) throw new CliError('invalid-value', `${source}: ${problem}`);
  return value.replace(/\/+$/, '');
}

/** The account SID: `--account`, else PATCHBAY_ACCOUNT_SID; checked. */
export function accountSid(given: string | undefined, env: Env): string {
  const value = given ?? fromEnv(env, 'PATCHBAY_ACCOUNT_SID');
  if (value === undefined)
    throw new CliError('missing-credentials', 'no account SID given', {
      hint: 'pass --account AC... or set PATCHBAY_ACCOUNT_SID (`patchbay serve` prints it when it starts)',
    });
  if (!/^AC[0-9a-f]{32}$/.test(value))
    throw new CliError('invalid-value', `account SID "${value}" is not AC followed by 32 hex digits`, {
      hint: 'check --account (or PATCHBAY_ACCOUNT_SID)',
    });
  return value;
}

export function basicAuth(user: string, secret: string): string {
  return `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;
}

/** The server and credentials: from the flags, else PATCHBAY_URL, PATCHBAY_ACCOUNT_SID, PATCHBAY_AUTH_TOKEN. */
export function connect(
  given: { server?: string | undefined; account?: string | undefined; token?: string | undefined },
  env: Env,
): Connection {
  const server = serverUrl(given.server, env);
  const account = accountSid(given.account, env);
  const token = given.token ?? fromEnv(env, 'PATCHBAY_AUTH_TOKEN');
  if (token === undefined)
    throw new CliError('missing-credentials', 'no auth token given', {
      hint: 'pass --token or set PATCHBAY_AUTH_TOKEN (`patchbay serve` prints it on its first start)',
    });
  return { server, account, auth: basicAuth(account, token) };
}

const NETWORK_REASONS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
  ETIMEDOUT: 'timed out',
  UND_ERR_CONNECT_TIMEOUT: 'timed out',
  ECONNRESET: 'connection reset',
  UND_ERR_SOCKET: 'connection closed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
};

/** A failed fetch as a CliError: Ctrl-C, or the server not reachable (and why). */
export function networkError(error: unknown, server: string): CliError {
  if (error instanceof CliError) return error;
  if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError'))
    return new CliError('interrupted', 'stopped before the server answered', { cause: error });
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const reason = NETWORK_REASONS[cause?.code ?? ''] ?? cause?.code ?? cause?.message ?? String(error);
  return new CliError('unreachable', `cannot reach Patchbay at ${server}`, {
    label: reason,
    hint:
      reason === 'connection refused'
        ? 'is `patchbay serve` running there? (the address is --server or PATCHBAY_URL)'
        : 'check the address (--server or PATCHBAY_URL)',
    cause: error,
  });
}

const HINTS: Readonly<Record<number, string>> = {
  20003: 'check the account SID and auth token (--account/--token, or PATCHBAY_ACCOUNT_SID/PATCHBAY_AUTH_TOKEN)',
  20503: 'try again in a few seconds; if it lasts, see GET /health and the server log (stopping, or unable to write)',
};

/**
 * What a reverse proxy answers while the server behind it is down or restarting (Patchbay's own
 * 503 has a JSON body with a code). Passing, so `calls tail` waits them out.
 */
export const GATEWAY_STATUS: Readonly<Record<number, string>> = {
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** A response that is not 2xx, as a RestRefusal (or not-patchbay when it is not the REST API's JSON). */
export async function refusal(response: Response, server: string): Promise<CliError> {
  const text = await response.text();
  let body: { code?: unknown; message?: unknown } | undefined;
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    body = undefined;
  }
  const gateway = GATEWAY_STATUS[response.status];
  if (typeof body?.code !== 'number' && gateway)
    return new CliError(
      'unreachable',
      `${server} answered HTTP ${response.status} (${gateway}), a proxy's answer when nothing answers behind it`,
      { hint: 'is `patchbay serve` running behind the proxy, at the address the proxy sends to?' },
    );
  if (typeof body?.code !== 'number')
    return new CliError('not-patchbay', `${server} answered HTTP ${response.status} and not as the REST API does`, {
      hint: 'is --server (or PATCHBAY_URL) a Patchbay server?',
    });
  return new RestRefusal(response.status, body.code, String(body.message ?? ''), HINTS[body.code]);
}

export type Form = Record<string, string | readonly string[] | undefined>;

/** Sends one HTTP request with Basic auth; network failures become CliErrors. */
export async function request(
  c: Connection,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  options: { form?: Form | undefined; signal?: AbortSignal | undefined; headers?: Record<string, string> } = {},
): Promise<Response> {
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(options.form ?? {})) {
    for (const item of value === undefined ? [] : typeof value === 'string' ? [value] : value) body.append(key, item);
  }
  try {
    return await fetch(`${c.server}${path}`, {
      method,
      headers: {
        authorization: c.auth,
        ...options.headers,
        ...(method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(method === 'POST' ? { body } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    throw networkError(error, c.server);
  }
}

/** A REST request below a base path (the account's, or /v1/); a non-2xx answer throws. */
export type ApiCall = (
  c: Connection,
  method: 'GET' | 'POST' | 'DELETE',
  resource: string,
  form?: Form,
  signal?: AbortSignal,
) => Promise<Record<string, unknown>>;

/** One REST request for the account (`resource` below /2010-04-01/Accounts/{sid}/). */
export const api: ApiCall = (c, method, resource, form, signal) =>
  apiAt(c, method, `/2010-04-01/Accounts/${c.account}/${resource}`, form, signal);

/** One request to the voice v1 API (`resource` below /v1/: ByocTrunks, ConnectionPolicies), which is the caller's account's. */
export const voiceApi: ApiCall = (c, method, resource, form, signal) =>
  apiAt(c, method, `/v1/${resource}`, form, signal);

async function apiAt(
  c: Connection,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  form?: Form,
  signal?: AbortSignal,
): Promise<Record<string, unknown>> {
  const response = await request(c, method, path, { form, signal });
  if (!response.ok) throw await refusal(response, c.server);
  if (response.status === 204) return {};
  try {
    return (await response.json()) as Record<string, unknown>;
  } catch (error) {
    throw new CliError('not-patchbay', `${c.server} answered, but not with the REST API's JSON`, {
      hint: 'is --server (or PATCHBAY_URL) a Patchbay server?',
      cause: error,
    });
  }
}

/**
 * The newest rows of a list resource (`Calls.json`, `Messages.json`), filtered by the flags given:
 * `filters` maps each flag to the REST parameter it sets.
 */
export async function listRows(
  c: Connection,
  resource: string,
  flags: Readonly<Record<string, string | undefined>>,
  filters: Readonly<Record<string, string>>,
  signal?: AbortSignal,
): Promise<Array<Record<string, unknown>>> {
  const query = new URLSearchParams({ PageSize: flags.limit ?? '50' });
  for (const [flag, parameter] of Object.entries(filters)) {
    const value = flags[flag];
    if (value) query.set(parameter, value);
  }
  const page = await api(c, 'GET', `${resource}?${query}`, {}, signal);
  // The list's key is the resource's name in snake case: Calls.json → calls.
  const key = resource
    .replace(/\.json$/, '')
    .replace(/[A-Z]/g, (letter, at) => `${at ? '_' : ''}${letter.toLowerCase()}`);
  return page[key] as Array<Record<string, unknown>>;
}
