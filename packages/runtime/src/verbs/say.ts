/** `<Say>`: speaks the text (SSML tags flattened to their words) `loop` times; 0 = until hang-up. */
import type { OpaqueNode, SayNode, SsmlNode } from '@patchbay/markup';
import { MediaProblem } from '../media/types.js';
import { NEXT, type Outcome, type VerbContext } from './types.js';

/** Upper bound for `loop="0"` ("until the call ends"). */
export const MAX_LOOPS = 1000;

export function spokenText(content: ReadonlyArray<string | SsmlNode | OpaqueNode>): string {
  return content
    .map((part) => (typeof part === 'string' ? part : 'content' in part ? spokenText(part.content) : ''))
    .join('')
    .replace(/\s+/g, ' ')
    .trim();
}

export async function say(node: SayNode, context: VerbContext): Promise<Outcome> {
  await context.answer();
  const text = spokenText(node.content);
  const times = node.attributes.loop === 0 ? MAX_LOOPS : node.attributes.loop;
  try {
    for (let i = 0; i < times; i++) {
      await context.leg.say(text, { voice: node.attributes.voice, language: node.attributes.language }, context.signal);
    }
  } catch (error) {
    // Text the adapter could not speak is a warning on the call, which goes on with the next verb.
    if (!(error instanceof MediaProblem)) throw error;
    context.warn(error.code, error.message);
  }
  return NEXT;
}
