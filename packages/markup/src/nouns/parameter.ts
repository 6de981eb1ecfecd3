import * as z from 'zod';
import { attr } from '../attributes.js';
import { defineElement, type NodeOf } from '../define.js';

/** `<Parameter name value>`: a custom parameter passed on (Client, Stream, Hangup, Reject, ...). */
export const parameter = defineElement({
  name: 'Parameter',
  summary: 'A custom name/value parameter.',
  attributes: z.object({
    name: attr.text().optional(),
    value: attr.text().optional(),
  }),
  content: 'none',
  codes: { default: 12200 },
});

export type ParameterNode = NodeOf<typeof parameter>;
