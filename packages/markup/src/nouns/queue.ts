import * as z from 'zod';
import { attr } from '../attributes.js';
import { defineElement, type NodeOf } from '../define.js';

/** `<Queue>` inside `<Dial>` bridges the caller with the member at the front of a queue. */
export const queue = defineElement({
  name: 'Queue',
  summary: 'Dequeue the first caller waiting in a queue and bridge them.',
  attributes: z.object({
    url: attr.url().optional(),
    method: attr.method().default('POST'),
    reservationSid: attr.text().optional(),
    postWorkActivitySid: attr.text().optional(),
  }),
  content: 'text',
  text: { pattern: /\S/, expected: 'expected a queue name' },
  codes: { default: 13270, '#text': 13271 },
});

export type QueueNode = NodeOf<typeof queue>;
