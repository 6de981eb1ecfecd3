import * as z from 'zod';
import { attr } from '../attributes.js';
import { defineElement, type NodeOf } from '../define.js';
import type { SipNode } from '../nouns/sip.js';

/** `<Refer>` transfers a SIP call to the URI of its `<Sip>` child (SIP REFER). */
export const refer = defineElement({
  name: 'Refer',
  summary: 'Transfer a SIP call elsewhere with SIP REFER.',
  attributes: z.object({
    action: attr.url().optional(),
    method: attr.method().default('POST'),
  }),
  content: 'elements',
  children: ['Sip'],
  codes: { default: 13780 },
});

export type ReferNode = NodeOf<typeof refer, SipNode>;
