import * as z from 'zod';
import { attr } from '../attributes.js';
import { defineElement, type NodeOf } from '../define.js';
import type { ParameterNode } from '../nouns/parameter.js';

/** `<Reject>` declines an inbound call without answering it (busy or rejected). */
export const reject = defineElement({
  name: 'Reject',
  summary: 'Decline an incoming call without answering.',
  attributes: z.object({
    reason: attr.oneOf(['rejected', 'busy']).default('rejected'),
  }),
  content: 'elements',
  children: ['Parameter'],
  codes: { default: 13720, reason: 13720 },
});

export type RejectNode = NodeOf<typeof reject, ParameterNode>;
