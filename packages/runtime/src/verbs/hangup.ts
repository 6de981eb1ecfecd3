/** `<Hangup>`: ends the call. */
import type { HangupNode } from '@patchbay/markup';
import { HANGUP, type Outcome } from './types.js';

export async function hangup(_node: HangupNode): Promise<Outcome> {
  return HANGUP;
}
