import * as z from 'zod';
import { attr, CALL_EVENTS } from '../attributes.js';
import { defineElement, type NodeOf } from '../define.js';
import type { ParameterNode } from './parameter.js';

/** `<Identity>` inside `<Client>`: the identity of the client device to ring. */
export const identity = defineElement({
  name: 'Identity',
  summary: 'The identity of a client device.',
  attributes: z.object({}),
  content: 'text',
  codes: { default: 12200 },
});

/**
 * `<Client>` rings a registered client device. Identity as text (legacy `alice`) or as an
 * `<Identity>` child with `<Parameter>` children passed to the device.
 */
export const client = defineElement({
  name: 'Client',
  summary: 'Dial a client device by identity.',
  attributes: z.object({
    url: attr.url().optional(),
    method: attr.method().default('POST'),
    statusCallback: attr.url().optional(),
    statusCallbackMethod: attr.method().default('POST'),
    statusCallbackEvent: attr.list(CALL_EVENTS).default(['completed']),
  }),
  content: 'text+elements',
  children: ['Identity', 'Parameter'],
  codes: { default: 13250 },
});

export type IdentityNode = NodeOf<typeof identity>;
export type ClientNode = NodeOf<typeof client, IdentityNode | ParameterNode>;
