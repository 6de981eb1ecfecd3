import * as z from 'zod';
import { attr } from '../attributes.js';
import { defineElement, type NodeOf } from '../define.js';
import type { StreamNode } from '../nouns/stream.js';

/** `<Connect>` hands the call to a media stream (other targets are kept but not interpreted). */
export const connect = defineElement({
  name: 'Connect',
  summary: 'Connect the call to a bidirectional media stream.',
  attributes: z.object({
    action: attr.url().optional(),
    method: attr.method().default('POST'),
  }),
  content: 'elements',
  children: [
    'Stream',
    'Room',
    'VirtualAgent',
    'Conversation',
    'ConversationRelay',
    'ConversationRelaySession',
    'AiSession',
    'Autopilot',
  ],
  codes: { default: 13750 },
});

export type ConnectNode = NodeOf<typeof connect, StreamNode>;
