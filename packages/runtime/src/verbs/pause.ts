/**
 * `<Pause>`: waits `length` seconds. It does not answer: as the first verb of an inbound call
 * the caller keeps hearing ringing, which delays answering.
 */
import type { PauseNode } from '@patchbay/markup';
import { sleep } from '../clock/clock.js';
import { NEXT, type Outcome, type VerbContext } from './types.js';

export async function pause(node: PauseNode, context: VerbContext): Promise<Outcome> {
  await sleep(context.clock, node.attributes.length * 1000, context.signal);
  return NEXT;
}
