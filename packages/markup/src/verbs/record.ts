import * as z from 'zod';
import { attr, RECORDING_EVENTS, TRIM_VALUES } from '../attributes.js';
import { defineElement, type NodeOf } from '../define.js';

/**
 * `<Record>` records the caller until silence (`timeout`), a key in `finishOnKey`, or
 * `maxLength`. With no `action`, results go to the URL of the current document.
 */
export const record = defineElement({
  name: 'Record',
  summary: "Record the caller's voice.",
  attributes: z.object({
    action: attr.url().optional(),
    method: attr.method().default('POST'),
    timeout: attr.int({ min: 0, max: 3600 }).default(5),
    finishOnKey: attr.text(/^[0-9*#]*$/, 'expected keys from 0-9, * and #').default('1234567890*#'),
    maxLength: attr.int({ min: 1, max: 14400 }).default(3600),
    playBeep: attr.bool().default(true),
    trim: attr.oneOf(TRIM_VALUES).default('trim-silence'),
    recordingStatusCallback: attr.url().optional(),
    recordingStatusCallbackMethod: attr.method().default('POST'),
    recordingStatusCallbackEvent: attr.list(RECORDING_EVENTS).default(['completed']),
    recordingConfigurationId: attr.text().optional(),
    transcribe: attr.bool().default(false),
    transcribeCallback: attr.url().optional(),
  }),
  content: 'none',
  codes: {
    default: 13619,
    method: 13610,
    timeout: 13611,
    maxLength: 13612,
    finishOnKey: 13613,
    transcribe: 13614,
    playBeep: 13616,
    trim: 13618,
  },
});

export type RecordNode = NodeOf<typeof record>;
