/**
 * `patchbay serve`'s security settings: the egress policy and the per-account limits every
 * account has unless its parent set its own (see docs/security.md). Declared here as flags (so
 * help and checks come from one place) and turned into `startServer` options.
 */
import { type AccountLimits, LIMIT_FIELDS, MAX_LIMIT } from '../limits/account-limits.js';
import { EGRESS_POLICIES, type EgressPolicy } from '../webhooks/egress.js';
import { checkInteger, type Flags, type Values } from './flags.js';

/** Each limit's flag. */
const LIMIT_FLAGS = {
  concurrentCalls: 'account-max-calls',
  deviceSessions: 'account-max-devices',
  apiConcurrency: 'account-api-concurrency',
  apiRequestsPerSecond: 'account-api-rate',
  numbers: 'account-max-numbers',
  applications: 'account-max-applications',
  keys: 'account-max-keys',
} as const satisfies Record<keyof AccountLimits, string>;

const limitFlag = (name: keyof AccountLimits, description: string) => ({
  value: '<n>',
  description,
  check: checkInteger(LIMIT_FIELDS[name].min, MAX_LIMIT),
});

export const SECURITY_FLAGS = {
  egress: {
    value: '<policy>',
    choices: EGRESS_POLICIES,
    description:
      'whether documents and callbacks may be fetched from loopback and private addresses (default allow-private; link-local and cloud metadata addresses are always refused)',
  },
  'account-max-calls': limitFlag('concurrentCalls', 'live calls per account (default 1000)'),
  'account-max-devices': limitFlag('deviceSessions', 'device sessions per account (default 1000)'),
  'account-api-concurrency': limitFlag('apiConcurrency', 'REST requests per account handled at once (default 100)'),
  'account-api-rate': limitFlag('apiRequestsPerSecond', 'REST requests per account per second (default 0: no limit)'),
  'account-max-numbers': limitFlag('numbers', 'phone numbers an account may hold (default 1000)'),
  'account-max-applications': limitFlag('applications', 'applications per account (default 1000)'),
  'account-max-keys': limitFlag('keys', 'API keys per account (default 100)'),
} as const satisfies Flags;

/** The server options the flags give (the parser has checked each value). */
export function securityOptions(values: Values<typeof SECURITY_FLAGS>): {
  egress?: EgressPolicy;
  limits?: Partial<AccountLimits>;
} {
  const limits: Partial<Record<keyof AccountLimits, number>> = {};
  for (const [name, flag] of Object.entries(LIMIT_FLAGS) as Array<[keyof AccountLimits, keyof typeof SECURITY_FLAGS]>) {
    const text = values[flag];
    if (typeof text === 'string') limits[name] = Number(text);
  }
  return {
    ...(values.egress === undefined ? {} : { egress: values.egress as EgressPolicy }),
    ...(Object.keys(limits).length > 0 ? { limits } : {}),
  };
}
