import * as z from 'zod';
import { attr } from '../attributes.js';
import { defineElement, type NodeOf } from '../define.js';
import type { SsmlNode } from '../nouns/ssml.js';
import { SSML_NAMES } from '../nouns/ssml.js';

/**
 * `<Say>` speaks text. Content is text interleaved with SSML tags (break, prosody, say-as, ...),
 * kept in order. `loop="0"` repeats until the call ends.
 */
export const say = defineElement({
  name: 'Say',
  summary: 'Speak text (with optional SSML) to the caller.',
  attributes: z.object({
    voice: attr.text(/^\S+$/, 'expected a voice name such as man, woman, alice or Polly.Joanna').default('man'),
    language: attr.language().default('en-US'),
    loop: attr.int({ min: 0, max: 1000 }).default(1),
  }),
  content: 'mixed',
  children: SSML_NAMES,
  codes: { default: 13520, loop: 13510, voice: 13511, language: 13512 },
});

export type SayNode = NodeOf<typeof say, SsmlNode>;
