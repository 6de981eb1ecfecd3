import * as z from 'zod';
import { attr } from '../attributes.js';
import { defineElement, type NodeOf } from '../define.js';

/**
 * `<Redirect>` fetches a new document from the URL in its text and continues there. The URL is
 * absolute or relative to the current document, so an empty `<Redirect/>` (the empty relative
 * URL) fetches the current document again, as the hosted service does.
 */
export const redirect = defineElement({
  name: 'Redirect',
  summary: 'Continue with the document at another URL (empty: the current document again).',
  attributes: z.object({
    method: attr.method().default('POST'),
  }),
  content: 'text',
  codes: { default: 13710, method: 13710 },
});

export type RedirectNode = NodeOf<typeof redirect>;
