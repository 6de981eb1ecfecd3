/**
 * The checks of a crash test (crash.test.ts on SQLite, crash-postgres.test.ts on PostgreSQL)
 * on what the app received once a server was killed and started again.
 */
import { expect } from 'vitest';
import type { RecordedRequest } from '../testing/app-server.js';

const FINAL = ['completed', 'failed', 'busy', 'no-answer', 'canceled'];

/**
 * Every accepted call's app heard exactly one final status (a repeat would carry the same
 * SequenceNumber); every callback pending at the kill arrived; the only repeats are callbacks
 * whose delivery the kill interrupted (the app's 2xx came, "done" was not yet written), sent
 * twice with the same idempotency token. Returns the repeated keys.
 */
export function expectDeliveredOnce(
  received: readonly RecordedRequest[],
  calls: readonly string[],
  pendingKeys: ReadonlySet<string>,
  deliveredBeforeKill: ReadonlySet<string>,
): string[] {
  const finals = new Map<string, Set<string>>();
  for (const r of received) {
    if (!FINAL.includes(String(r.params.CallStatus))) continue;
    const sequences = finals.get(String(r.params.CallSid)) ?? new Set();
    sequences.add(String(r.params.SequenceNumber));
    finals.set(String(r.params.CallSid), sequences);
  }
  for (const sid of calls) expect(finals.get(sid)?.size).toBe(1);
  const keys = received.map((r) => String(r.headers['i-twilio-idempotency-token']));
  for (const key of pendingKeys) expect(keys).toContain(key);
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  const repeated = [...counts].filter(([, count]) => count > 1).map(([key]) => key);
  for (const key of repeated) {
    expect(pendingKeys.has(key)).toBe(true);
    expect(deliveredBeforeKill.has(key)).toBe(true);
    expect(counts.get(key)).toBe(2);
  }
  return repeated;
}
