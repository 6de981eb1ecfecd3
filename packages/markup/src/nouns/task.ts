import * as z from 'zod';
import { attr } from '../attributes.js';
import { defineElement, type NodeOf } from '../define.js';

/** `<Task>` inside `<Enqueue>`: task attributes (JSON) for a workflow router. */
export const task = defineElement({
  name: 'Task',
  summary: 'Task attributes (JSON) for a queued call.',
  attributes: z.object({
    priority: attr.int({ min: 0, max: 2147483647 }).optional(),
    timeout: attr.int({ min: 1, max: 31536000 }).optional(),
  }),
  content: 'text',
  codes: { default: 13745 },
});

export type TaskNode = NodeOf<typeof task>;
