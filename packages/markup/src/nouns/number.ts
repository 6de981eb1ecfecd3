import * as z from 'zod';
import { attr, CALL_EVENTS } from '../attributes.js';
import { defineElement, type NodeOf } from '../define.js';

/** Phone numbers as apps write them: E.164 or national, with spaces, dashes, dots or brackets. */
export const PHONE_NUMBER = /^\s*\+?[0-9][0-9 ().-]*\s*$/;

/**
 * `<Number>` dials a phone number. `url` runs a whisper document on the called party before the
 * legs are bridged; `sendDigits` plays DTMF once the call is answered.
 */
export const number = defineElement({
  name: 'Number',
  summary: 'Dial a phone number.',
  attributes: z.object({
    sendDigits: attr.dtmf().optional(),
    url: attr.url().optional(),
    method: attr.method().default('POST'),
    statusCallback: attr.url().optional(),
    statusCallbackMethod: attr.method().default('POST'),
    statusCallbackEvent: attr.list(CALL_EVENTS).default(['completed']),
    byoc: attr.text().optional(),
    machineDetection: attr.oneOf(['Enable', 'DetectMessageEnd']).optional(),
    machineDetectionTimeout: attr.int({ min: 3, max: 59 }).optional(),
    machineDetectionSpeechThreshold: attr.int({ min: 1000, max: 6000 }).optional(),
    machineDetectionSpeechEndThreshold: attr.int({ min: 500, max: 5000 }).optional(),
    machineDetectionSilenceTimeout: attr.int({ min: 2000, max: 10000 }).optional(),
    amdStatusCallback: attr.url().optional(),
    amdStatusCallbackMethod: attr.method().optional(),
  }),
  content: 'text',
  text: { pattern: PHONE_NUMBER, expected: 'expected a phone number such as +15551234567' },
  codes: { default: 13229, method: 13221, sendDigits: 13222, '#text': 13223 },
});

export type NumberNode = NodeOf<typeof number>;
