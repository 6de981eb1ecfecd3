/** `<Play>`: plays the URL `loop` times (0 = up to 1000), or DTMF `digits` when given. */
import type { PlayNode } from '@patchbay/markup';
import { MediaProblem } from '../media/types.js';
import { urlRefusal } from '../webhooks/egress.js';
import { MAX_LOOPS } from './say.js';
import { NEXT, type Outcome, type VerbContext } from './types.js';

export async function play(node: PlayNode, context: VerbContext): Promise<Outcome> {
  await context.answer();
  const { digits, loop } = node.attributes;
  if (digits !== undefined && digits !== '') {
    await context.leg.sendDigits(digits, context.signal);
    return NEXT;
  }
  const url = node.text.trim();
  if (url === '') {
    context.warn(13420, '<Play> has no URL and no digits');
    return NEXT;
  }
  const resolved = context.resolve(url);
  // The media adapter fetches it: only http(s), and never a link-local or metadata address.
  const refused = urlRefusal(resolved);
  if (refused) {
    context.warn(11100, `<Play> ${refused}`);
    return NEXT;
  }
  try {
    for (let i = 0; i < (loop === 0 ? MAX_LOOPS : loop); i++) await context.leg.play(resolved, context.signal);
  } catch (error) {
    // Audio the adapter could not fetch or decode is a warning on the call, as on the hosted service.
    if (!(error instanceof MediaProblem)) throw error;
    context.warn(error.code, error.message);
  }
  return NEXT;
}
