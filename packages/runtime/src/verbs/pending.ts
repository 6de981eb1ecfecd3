/**
 * Verbs whose handlers arrive in the next steps of the runtime issue (Dial, Record, queues,
 * messaging, streams). Until then the call records a 13xxx warning naming the verb and goes on
 * to the next verb, so a document using them still runs its other verbs.
 */
import type { VoiceVerb } from '@patchbay/markup';
import { NEXT, type Outcome, type VerbContext } from './types.js';

export async function notYetSupported(node: VoiceVerb, context: VerbContext): Promise<Outcome> {
  context.warn(12200, `<${node.name}> is not carried out yet; the call continues with the next verb`);
  return NEXT;
}
