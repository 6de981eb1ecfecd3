import * as z from 'zod';
import { attr } from '../attributes.js';
import { defineElement, type NodeOf } from '../define.js';

/** `<Sms>` (legacy, in voice documents) sends a text message during a call. */
export const sms = defineElement({
  name: 'Sms',
  summary: 'Send a text message during a call (legacy).',
  attributes: z.object({
    to: attr.text().optional(),
    from: attr.text().optional(),
    action: attr.url().optional(),
    method: attr.method().default('POST'),
    statusCallback: attr.url().optional(),
  }),
  content: 'text',
  codes: { default: 14103, to: 14101, from: 14102, method: 14104, statusCallback: 14105 },
});

export type SmsNode = NodeOf<typeof sms>;
