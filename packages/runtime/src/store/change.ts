/** What both stores do inside `update`: apply the change, and keep the record's identity. */
import type { RecordKind, StoredRecord } from './types.js';

/** `change(current)`, refused (TypeError) if it would move the record to another SID or account. */
export function applyChange<T extends StoredRecord>(kind: RecordKind, current: T, change: (current: T) => T): T {
  const next = change(current);
  if (next.sid !== current.sid || next.accountSid !== current.accountSid)
    throw new TypeError(`an update of ${kind} ${current.sid} may not change its sid or accountSid`);
  return next;
}
