import * as z from 'zod';
import { attr } from '../attributes.js';
import { defineElement, type NodeOf } from '../define.js';

/** `<Body>` inside `<Message>`: the text to send. */
export const body = defineElement({
  name: 'Body',
  summary: 'The text of a message.',
  attributes: z.object({}),
  content: 'text',
  codes: { default: 14103 },
});

/** `<Media>` inside `<Message>`: a URL of media to attach. */
export const media = defineElement({
  name: 'Media',
  summary: 'A media URL to attach to a message.',
  attributes: z.object({}),
  content: 'text',
  text: { pattern: /\S/, expected: 'expected a media URL' },
  codes: { default: 14103, '#text': 14103 },
});

/**
 * `<Message>` sends a reply (messaging documents). Text as content, or `<Body>` and `<Media>`
 * children. `to`/`from` default to the sender and recipient of the incoming message.
 */
export const message = defineElement({
  name: 'Message',
  summary: 'Send a message.',
  attributes: z.object({
    to: attr.text().optional(),
    from: attr.text().optional(),
    action: attr.url().optional(),
    method: attr.method().default('POST'),
    statusCallback: attr.url().optional(),
  }),
  content: 'text+elements',
  children: ['Body', 'Media'],
  codes: { default: 14103, to: 14101, from: 14102, method: 14104, statusCallback: 14105 },
});

export type BodyNode = NodeOf<typeof body>;
export type MediaNode = NodeOf<typeof media>;
export type MessageNode = NodeOf<typeof message, BodyNode | MediaNode>;
