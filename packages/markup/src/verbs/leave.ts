import * as z from 'zod';
import { defineElement, type NodeOf } from '../define.js';

/** `<Leave>` (in a queue's wait document) takes the caller out of the queue. */
export const leave = defineElement({
  name: 'Leave',
  summary: 'Leave the queue the caller waits in.',
  attributes: z.object({}),
  content: 'none',
  codes: { default: 12200 },
});

export type LeaveNode = NodeOf<typeof leave>;
