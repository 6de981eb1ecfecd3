import * as z from 'zod';
import { attr, RECORDING_EVENTS, TRIM_VALUES } from '../attributes.js';
import { defineElement, type NodeOf } from '../define.js';

/** `<Recording>` inside `<Start>` records the call in the background. */
export const recording = defineElement({
  name: 'Recording',
  summary: 'Record the call in the background.',
  attributes: z.object({
    channels: attr.oneOf(['mono', 'dual']).default('mono'),
    track: attr.oneOf(['inbound', 'outbound', 'both']).default('both'),
    trim: attr.oneOf(TRIM_VALUES).default('do-not-trim'),
    recordingStatusCallback: attr.url().optional(),
    recordingStatusCallbackMethod: attr.method().default('POST'),
    recordingStatusCallbackEvent: attr.list(RECORDING_EVENTS).default(['completed']),
    recordingConfigurationId: attr.text().optional(),
  }),
  content: 'none',
  codes: { default: 13640 },
});

export type RecordingNode = NodeOf<typeof recording>;
