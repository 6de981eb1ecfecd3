/**
 * `patchbay serve`'s security settings: the egress policy and the per-account limits every
 * account has unless its parent set its own (see docs/security.md).
 */
import { type AccountLimits, MAX_LIMIT, validLimit } from '../limits/account-limits.js';
import { EGRESS_POLICIES, type EgressPolicy } from '../webhooks/egress.js';
import { UsageError } from './client.js';
import type { Values } from './usage.js';

/** Each limit's flag. */
const LIMIT_FLAGS = {
  concurrentCalls: 'account-max-calls',
  deviceSessions: 'account-max-devices',
  apiConcurrency: 'account-api-concurrency',
  apiRequestsPerSecond: 'account-api-rate',
} as const satisfies Record<keyof AccountLimits, string>;

export function securityFlags(values: Values): { egress?: EgressPolicy; limits?: Partial<AccountLimits> } {
  const limits: Partial<Record<keyof AccountLimits, number>> = {};
  for (const [name, flag] of Object.entries(LIMIT_FLAGS) as Array<[keyof AccountLimits, string]>) {
    const text = values[flag];
    if (typeof text !== 'string') continue;
    const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
    if (!validLimit(name, value)) throw new UsageError(`--${flag} must be a whole number up to ${MAX_LIMIT}`);
    limits[name] = value;
  }
  const egress = values.egress;
  if (egress !== undefined && !EGRESS_POLICIES.includes(egress as EgressPolicy))
    throw new UsageError(`--egress must be ${EGRESS_POLICIES.join(' or ')}`);
  return {
    ...(egress === undefined ? {} : { egress: egress as EgressPolicy }),
    ...(Object.keys(limits).length > 0 ? { limits } : {}),
  };
}
