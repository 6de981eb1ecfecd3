import * as z from 'zod';
import { defineElement, type NodeOf } from '../define.js';
import type { ParameterNode } from '../nouns/parameter.js';

/** `<Hangup>` ends the call. */
export const hangup = defineElement({
  name: 'Hangup',
  summary: 'End the call.',
  attributes: z.object({}),
  content: 'elements',
  children: ['Parameter'],
  codes: { default: 12200 },
});

export type HangupNode = NodeOf<typeof hangup, ParameterNode>;
