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

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function ssmlPart(part: string | SsmlNode | OpaqueNode): string {
  if (typeof part === 'string') return escapeXml(part);
  const name = part.name === '#opaque' ? part.tag : part.name;
  const attributes = Object.entries(part.attributes as Record<string, unknown>)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => ` ${key}="${escapeXml(String(value)).replace(/"/g, '&quot;')}"`)
    .join('');
  if (!('content' in part)) return `<${name}${attributes}/>`;
  return `<${name}${attributes}>${part.content.map(ssmlPart).join('')}</${name}>`;
}

/** The SSML of `<Say>`'s content as a `<speak>` document, when it holds SSML elements (else undefined). */
export function ssmlOf(content: ReadonlyArray<string | SsmlNode | OpaqueNode>): string | undefined {
  if (content.every((part) => typeof part === 'string')) return undefined;
  return `<speak>${content.map(ssmlPart).join('')}</speak>`;
}

export async function say(node: SayNode, context: VerbContext): Promise<Outcome> {
  await context.answer();
  const text = spokenText(node.content);
  const ssml = ssmlOf(node.content);
  const voice = { voice: node.attributes.voice, language: node.attributes.language, ...(ssml ? { ssml } : {}) };
  const times = node.attributes.loop === 0 ? MAX_LOOPS : node.attributes.loop;
  try {
    for (let i = 0; i < times; i++) {
      await context.leg.say(text, voice, context.signal);
    }
  } catch (error) {
    // Text the adapter could not speak is a warning on the call, which goes on with the next verb.
    if (!(error instanceof MediaProblem)) throw error;
    context.warn(error.code, error.message);
  }
  return NEXT;
}
