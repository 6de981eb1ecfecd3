/**
 * What a submitted command is (action, params, time to live, result webhook) and the record it
 * becomes: numbered for its device, pending and open, due for delivery at once, expiring after
 * its time to live (COMMAND_LIMITS.ttlS by default), kept by the node that accepted it.
 *
 * @example
 * const record = commandRecord({ account, deviceSid, seq, input: { action: 'lock', params: {} }, now });
 * await store.put('device-command', record);
 */
import type { AccountRecord } from '../../api/auth.js';
import { newSid } from '../../sid.js';
import { COMMAND_LIMITS, type CommandRecord } from './records.js';

export interface NewCommand {
  readonly action: string;
  readonly params: Readonly<Record<string, string>>;
  readonly ttlS?: number | undefined;
  readonly resultCallback?: string | undefined;
  readonly resultCallbackMethod?: 'GET' | 'POST' | undefined;
}

/** The record of a new command, numbered `seq` for its device (a new SID each time). */
export function commandRecord({
  account,
  deviceSid,
  seq,
  input,
  now,
  node,
}: {
  account: AccountRecord;
  deviceSid: string;
  seq: number;
  input: NewCommand;
  now: number;
  /** On a cluster, the node that accepted it (it keeps the command's timers). */
  node?: string | undefined;
}): CommandRecord {
  return {
    sid: newSid('DC'),
    accountSid: account.sid,
    createdAt: now,
    deviceSid,
    seq,
    action: input.action,
    params: input.params,
    status: 'pending',
    open: true,
    attempts: 0,
    nextAttemptAt: now,
    expiresAt: now + (input.ttlS ?? COMMAND_LIMITS.ttlS.default) * 1000,
    ...(input.resultCallback ? { resultCallback: input.resultCallback } : {}),
    resultCallbackMethod: input.resultCallbackMethod ?? 'POST',
    updatedAt: now,
    ...(node === undefined ? {} : { node }),
  };
}
