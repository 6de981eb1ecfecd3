import * as z from 'zod';
import { attr } from '../attributes.js';
import { defineElement, type NodeOf } from '../define.js';

/** `<Pause>` waits silently. As the first verb of an inbound call it delays answering. */
export const pause = defineElement({
  name: 'Pause',
  summary: 'Wait silently for a number of seconds.',
  attributes: z.object({
    length: attr.int({ min: 0, max: 3600 }).default(1),
  }),
  content: 'none',
  codes: { default: 13910, length: 13910 },
});

export type PauseNode = NodeOf<typeof pause>;
