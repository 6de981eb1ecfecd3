/**
 * A command's life as pure decisions (docs/commands.md#delivery-and-results): what a delivery, a
 * result, a cancel or a due timer does to the record. The service performs them as conditional
 * store updates: a decision that refuses (the command is settled already) throws `Settled`, so
 * nothing is written and a result can never be recorded twice.
 */
import type { CommandRecord, DeliveredVia } from './records.js';
import { COMMAND_LIMITS } from './records.js';

/** The command is settled: the change is refused and the record is as it was. */
export class Settled extends Error {
  constructor(readonly record: CommandRecord) {
    super(`command ${record.sid} is ${record.status}`);
  }
}

export interface Policy {
  readonly resendMs: number;
  readonly maxResendMs: number;
  readonly attempts: number;
  /** Open commands a device may have. @default COMMAND_LIMITS.openPerDevice */
  readonly openPerDevice?: number;
  /** Open commands an account may have. @default COMMAND_LIMITS.openPerAccount */
  readonly openPerAccount?: number;
}

export const DEFAULT_POLICY: Policy = {
  resendMs: COMMAND_LIMITS.resendMs,
  maxResendMs: COMMAND_LIMITS.maxResendMs,
  attempts: COMMAND_LIMITS.attempts,
};

/** How long to wait for a result after the `attempts`-th delivery (1-based): doubling, capped. */
export const waitAfter = (attempts: number, policy: Policy): number =>
  Math.min(policy.maxResendMs, policy.resendMs * 2 ** Math.max(0, attempts - 1));

const open = (record: CommandRecord): CommandRecord => {
  if (!record.open) throw new Settled(record);
  return record;
};

/** A delivery was tried; `reached`: the channel, push service or SMS took it. */
export function attempted(
  record: CommandRecord,
  via: DeliveredVia | undefined,
  now: number,
  policy: Policy,
): CommandRecord {
  if (!record.open && record.attempts === 0 && via && (record.status === 'completed' || record.status === 'failed'))
    // The device's result overtook the record of its delivery (it answered at once, or on another
    // node): the delivery still happened, and the settled command shows it.
    return { ...record, attempts: 1, deliveredVia: via, deliveredAt: record.settledAt ?? now };
  const current = open(record);
  const attempts = current.attempts + 1;
  return {
    ...current,
    attempts,
    nextAttemptAt: Math.min(current.expiresAt, now + waitAfter(attempts, policy)),
    ...(via ? { status: 'delivered', deliveredVia: via, deliveredAt: now } : {}),
    updatedAt: now,
  };
}

/** The device fetched it (over HTTPS, or on attaching to the channel): delivered, without counting an attempt. */
export function delivered(record: CommandRecord, via: DeliveredVia, now: number): CommandRecord {
  const current = open(record);
  return current.status === 'delivered'
    ? current
    : { ...current, status: 'delivered', deliveredVia: via, deliveredAt: now, updatedAt: now };
}

export type Outcome =
  | { readonly status: 'completed'; readonly result: Readonly<Record<string, string>> }
  | { readonly status: 'failed'; readonly result?: Readonly<Record<string, string>>; readonly error: string }
  | { readonly status: 'expired' | 'canceled' };

/** Settles the command, once; one with a result callback is marked until its webhook is queued. */
export function settle(record: CommandRecord, outcome: Outcome, now: number): CommandRecord {
  const { nextAttemptAt: _next, ...current } = open(record);
  const mark = current.resultCallback ? ({ webhookPending: true } as const) : {};
  return { ...current, ...outcome, ...mark, open: false, settledAt: now, updatedAt: now };
}

/** The result webhook is in the callback outbox: the mark goes. */
export function webhookQueued(record: CommandRecord): CommandRecord {
  const { webhookPending: _queued, ...rest } = record;
  return rest;
}

/** What a due timer does: try again, or give up (the attempts are spent, or the command's time is over). */
export function onDue(record: CommandRecord, now: number, policy: Policy): 'resend' | 'expire' | 'wait' | 'none' {
  if (!record.open) return 'none';
  if (now >= record.expiresAt || record.attempts >= policy.attempts) return 'expire';
  return (record.nextAttemptAt ?? 0) <= now ? 'resend' : 'wait';
}
