/** `<Leave>`: takes the caller out of the queue it waits in; outside a queue it does nothing. */
import type { LeaveNode } from '@patchbay/markup';
import type { Outcome } from './types.js';

export async function leave(_node: LeaveNode): Promise<Outcome> {
  return { type: 'leave' };
}
