import * as z from 'zod';
import { attr } from '../attributes.js';
import { defineElement, type NodeOf } from '../define.js';
import type { RecordingNode } from '../nouns/recording.js';
import type { StreamNode } from '../nouns/stream.js';

/** `<Start>` begins a background activity (stream fork, recording) and continues at once. */
export const start = defineElement({
  name: 'Start',
  summary: 'Start streaming or recording in the background.',
  attributes: z.object({
    action: attr.url().optional(),
    method: attr.method().default('POST'),
  }),
  content: 'elements',
  children: ['Stream', 'Recording', 'Siprec', 'Transcription'],
  codes: { default: 13760 },
});

/** `<Stop>` ends a background activity started with `<Start>`, matched by name. */
export const stop = defineElement({
  name: 'Stop',
  summary: 'Stop a background stream or recording by name.',
  attributes: z.object({}),
  content: 'elements',
  children: ['Stream', 'Siprec', 'Transcription'],
  codes: { default: 13770 },
});

export type StartNode = NodeOf<typeof start, StreamNode | RecordingNode>;
export type StopNode = NodeOf<typeof stop, StreamNode>;
