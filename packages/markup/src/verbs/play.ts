import * as z from 'zod';
import { attr } from '../attributes.js';
import { defineElement, type NodeOf } from '../define.js';

/**
 * `<Play>` plays an audio file from a URL, or DTMF tones with `digits` (then the URL may be
 * empty). `loop="0"` repeats up to 1000 times.
 */
export const play = defineElement({
  name: 'Play',
  summary: 'Play audio from a URL, or DTMF digits.',
  attributes: z.object({
    loop: attr.int({ min: 0, max: 1000 }).default(1),
    digits: attr.dtmf().optional(),
  }),
  content: 'text',
  codes: { default: 13420, loop: 13410, digits: 13411 },
});

export type PlayNode = NodeOf<typeof play>;
