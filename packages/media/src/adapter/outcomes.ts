/**
 * What a SIP final response means for a dialed party, as the hosted service reports it: 486 and
 * 600 busy, 603 rejected, 408 and 480 (and the ring timeout) no-answer, 487 canceled, anything
 * else failed; the SIP code goes along as `SipResponseCode`.
 */
import type { OriginateOutcome } from '@patchbay/runtime';

export function outcomeOf(status: number, reason: string): OriginateOutcome {
  const base = { reason: `${status} ${reason}`.trim(), sipResponseCode: status };
  if (status === 486 || status === 600) return { outcome: 'busy', ...base };
  if (status === 603) return { outcome: 'rejected', ...base };
  if (status === 408 || status === 480) return { outcome: 'no-answer', ...base };
  if (status === 487) return { outcome: 'canceled', ...base };
  return { outcome: 'failed', ...base };
}
