/**
 * Per-account limits, so one account's load degrades only that account: its live calls, its
 * device sessions, and its REST requests. The server sets the defaults (`patchbay serve` flags,
 * or `createRuntime({ limits })`); a parent account may set its subaccounts' own (stored on the
 * account record, through the Limits resource).
 *
 * @example
 * const limits = resolveLimits(account.limits, runtime.limits);
 * if (liveCalls >= limits.concurrentCalls) refuse();
 */

export interface AccountLimits {
  /** Calls of the account live at once, every leg counted (API, inbound, dialed, from devices). @default 1000 */
  readonly concurrentCalls: number;
  /** Device sessions of the account (across a cluster's nodes), well below a server's own cap. @default 1000 */
  readonly deviceSessions: number;
  /** REST requests of the account being handled at once: the hosted API's kind of limit. @default 100 */
  readonly apiConcurrency: number;
  /** REST requests a second, sustained (bursts of as many); 0: no rate limit. @default 0 */
  readonly apiRequestsPerSecond: number;
  /** Phone numbers the account may hold (IncomingPhoneNumbers). @default 1000 */
  readonly numbers: number;
  /** Applications the account may have. @default 1000 */
  readonly applications: number;
  /** API keys the account may have. @default 100 */
  readonly keys: number;
}

/** An account's own limits, where they differ from the server's defaults. */
export type AccountLimitOverrides = Partial<AccountLimits>;

export const DEFAULT_ACCOUNT_LIMITS: AccountLimits = {
  concurrentCalls: 1000,
  deviceSessions: 1000,
  apiConcurrency: 100,
  apiRequestsPerSecond: 0,
  numbers: 1000,
  applications: 1000,
  keys: 100,
};

/** Each limit's bounds, and its name as a REST parameter. */
export const LIMIT_FIELDS = {
  concurrentCalls: { parameter: 'ConcurrentCalls', json: 'concurrent_calls', min: 1 },
  deviceSessions: { parameter: 'DeviceSessions', json: 'device_sessions', min: 1 },
  apiConcurrency: { parameter: 'ApiConcurrency', json: 'api_concurrency', min: 1 },
  apiRequestsPerSecond: { parameter: 'ApiRequestsPerSecond', json: 'api_requests_per_second', min: 0 },
  numbers: { parameter: 'Numbers', json: 'numbers', min: 0 },
  applications: { parameter: 'Applications', json: 'applications', min: 0 },
  keys: { parameter: 'Keys', json: 'keys', min: 0 },
} as const satisfies Record<keyof AccountLimits, { parameter: string; json: string; min: number }>;

export const MAX_LIMIT = 1_000_000;

/** The limits that apply: the account's own where it has them, else the defaults. */
export function resolveLimits(own: AccountLimitOverrides | undefined, defaults: AccountLimits): AccountLimits {
  return own ? { ...defaults, ...own } : defaults;
}

/** Whether `value` is a valid setting of `name` (a whole number within its bounds). */
export function validLimit(name: keyof AccountLimits, value: number): boolean {
  return Number.isInteger(value) && value >= LIMIT_FIELDS[name].min && value <= MAX_LIMIT;
}
