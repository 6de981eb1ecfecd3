import * as z from 'zod';
import { attr } from '../attributes.js';
import { defineElement, type NodeOf } from '../define.js';
import type { ParameterNode } from './parameter.js';

/** `<Stream>` (in Connect, Start or Stop) forks the call's audio to a WebSocket URL. */
export const stream = defineElement({
  name: 'Stream',
  summary: 'Stream call audio to a WebSocket.',
  attributes: z.object({
    url: attr.url().optional(),
    name: attr.text().optional(),
    track: attr.oneOf(['inbound_track', 'outbound_track', 'both_tracks']).default('inbound_track'),
    statusCallback: attr.url().optional(),
    statusCallbackMethod: attr.method().default('POST'),
    connectorName: attr.text().optional(),
    audioFormat: attr.text().optional(),
    sampleRate: attr.text().optional(),
  }),
  content: 'elements',
  children: ['Parameter'],
  codes: { default: 13290 },
});

export type StreamNode = NodeOf<typeof stream, ParameterNode>;
