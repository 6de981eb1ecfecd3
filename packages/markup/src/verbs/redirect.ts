import * as z from 'zod';
import { attr } from '../attributes.js';
import { defineElement, type NodeOf } from '../define.js';

/** `<Redirect>` fetches a new document from the URL in its text and continues there. */
export const redirect = defineElement({
  name: 'Redirect',
  summary: 'Continue with the document at another URL.',
  attributes: z.object({
    method: attr.method().default('POST'),
  }),
  content: 'text',
  text: { pattern: /\S/, expected: 'expected a URL' },
  codes: { default: 13710, method: 13710, '#text': 13711 },
});

export type RedirectNode = NodeOf<typeof redirect>;
