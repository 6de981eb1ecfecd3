/**
 * The REST client's plumbing: HTTP Basic auth, form-encoded PascalCase parameters (arrays as
 * repeated keys), snake_case JSON turned into camelCase objects with dates parsed, typed errors,
 * and paging over `next_page_uri`. Uses `fetch`, so it runs in Node 20 and browsers.
 */
import { base64 } from '../tokens/jwt.js';

/** A failed REST request: the status and the API's own code and message. */
export class RestError extends Error {
  override readonly name = 'RestError';
  constructor(
    /** HTTP status (400, 401, 404, 409, 429, ...). */
    readonly status: number,
    /** The API's numeric code (20003, 20404, 21200-series, 21220, ...). 0 when the server sent none. */
    readonly code: number,
    message: string,
    readonly moreInfo?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface HttpOptions {
  readonly baseUrl: string;
  readonly username: string;
  readonly password: string;
  readonly fetch?: typeof fetch | undefined;
  /** A request not answered in this long fails (RestError status 0). @default 30000 */
  readonly timeoutMs?: number | undefined;
}

export type ParamValue = string | number | boolean | Date | readonly (string | number)[] | undefined;

const DATE_KEYS = /^(date_|start_time$|end_time$)/;

function camel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** snake_case JSON → camelCase, RFC 2822 dates → Date. */
export function fromApi(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((item) => fromApi(item));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [camel(k), fromApi(v, k)]));
  }
  if (typeof value === 'string' && DATE_KEYS.test(key)) {
    const parsed = new Date(value);
    return Number.isNaN(parsed.getTime()) ? value : parsed;
  }
  return value;
}

/** camelCase params → the form the API reads (`statusCallbackEvent: [...]` → repeated `StatusCallbackEvent`). */
export function toForm(params: Readonly<Record<string, ParamValue>>): URLSearchParams {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue;
    const name = RENAMES[key] ?? key.charAt(0).toUpperCase() + key.slice(1);
    const values = Array.isArray(value) ? value : [value];
    for (const item of values) form.append(name, item instanceof Date ? item.toISOString().slice(0, 10) : String(item));
  }
  return form;
}

/** Filters whose API names are not the parameter name capitalised. */
const RENAMES: Record<string, string> = {
  startTimeAfter: 'StartTime>',
  startTimeBefore: 'StartTime<',
  endTimeAfter: 'EndTime>',
  endTimeBefore: 'EndTime<',
  dateCreatedAfter: 'DateCreated>',
  dateCreatedBefore: 'DateCreated<',
};

export class Http {
  constructor(private readonly options: HttpOptions) {}

  get baseUrl(): string {
    return this.options.baseUrl.replace(/\/$/, '');
  }

  async request<T>(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    params: Readonly<Record<string, ParamValue>> = {},
  ): Promise<T> {
    const form = toForm(params);
    const query = method === 'POST' ? '' : form.toString();
    const url = `${this.baseUrl}${path}${query ? `${path.includes('?') ? '&' : '?'}${query}` : ''}`;
    const fetchImpl = this.options.fetch ?? globalThis.fetch.bind(globalThis);
    const auth = base64(`${this.options.username}:${this.options.password}`);
    let response: Response;
    try {
      response = await fetchImpl(url, {
        method,
        headers: {
          authorization: `Basic ${auth}`,
          accept: 'application/json',
          ...(method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
        ...(method === 'POST' ? { body: form.toString() } : {}),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
      });
    } catch (cause) {
      throw new RestError(
        0,
        0,
        `${method} ${path} failed: ${cause instanceof Error ? cause.message : String(cause)}`,
        undefined,
        {
          cause,
        },
      );
    }
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    if (!response.ok) {
      const error = (body ?? {}) as { code?: number; message?: string; more_info?: string };
      throw new RestError(
        response.status,
        typeof error.code === 'number' ? error.code : 0,
        error.message ?? `${method} ${path}: HTTP ${response.status}`,
        error.more_info,
      );
    }
    if (body === undefined) throw new RestError(response.status, 0, `${method} ${path}: the answer is not JSON`);
    return fromApi(body) as T;
  }
}
