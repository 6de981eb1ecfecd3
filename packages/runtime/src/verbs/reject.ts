/**
 * `<Reject>`: declines an inbound call without answering; it ends `busy` (reason busy) or
 * `no-answer` (reason rejected). After the call was answered it simply hangs up.
 */
import type { RejectNode } from '@patchbay/markup';
import { HANGUP, type Outcome, type VerbContext } from './types.js';

export async function reject(node: RejectNode, context: VerbContext): Promise<Outcome> {
  if (!context.answered) await context.reject(node.attributes.reason);
  return HANGUP;
}
