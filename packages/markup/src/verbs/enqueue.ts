import * as z from 'zod';
import { attr } from '../attributes.js';
import { defineElement, type NodeOf } from '../define.js';
import type { TaskNode } from '../nouns/task.js';

/**
 * `<Enqueue>` puts the caller in a named FIFO queue; `waitUrl` is played while waiting. The
 * `action` receives QueueResult when the caller leaves the queue.
 */
export const enqueue = defineElement({
  name: 'Enqueue',
  summary: 'Put the caller in a queue.',
  attributes: z.object({
    action: attr.url().optional(),
    method: attr.method().default('POST'),
    waitUrl: attr.url().optional(),
    waitUrlMethod: attr.method().default('POST'),
    maxQueueSize: attr.int({ min: 1, max: 5000 }).optional(),
    workflowSid: attr.text().optional(),
  }),
  content: 'text+elements',
  children: ['Task'],
  codes: { default: 13740, method: 13741, waitUrlMethod: 13742, maxQueueSize: 13743 },
});

export type EnqueueNode = NodeOf<typeof enqueue, TaskNode>;
