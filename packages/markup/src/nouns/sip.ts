import * as z from 'zod';
import { attr, CALL_EVENTS } from '../attributes.js';
import { defineElement, type NodeOf } from '../define.js';

/** `<Sip>` dials a SIP URI; custom headers ride in the URI as `?X-Header=value`. */
export const sip = defineElement({
  name: 'Sip',
  summary: 'Dial a SIP URI.',
  attributes: z.object({
    username: attr.text().optional(),
    password: attr.text().optional(),
    url: attr.url().optional(),
    method: attr.method().default('POST'),
    statusCallback: attr.url().optional(),
    statusCallbackMethod: attr.method().default('POST'),
    statusCallbackEvent: attr.list(CALL_EVENTS).default(['completed']),
    machineDetection: attr.oneOf(['Enable', 'DetectMessageEnd']).optional(),
    machineDetectionTimeout: attr.int({ min: 3, max: 59 }).optional(),
    machineDetectionSpeechThreshold: attr.int({ min: 1000, max: 6000 }).optional(),
    machineDetectionSpeechEndThreshold: attr.int({ min: 500, max: 5000 }).optional(),
    machineDetectionSilenceTimeout: attr.int({ min: 2000, max: 10000 }).optional(),
    amdStatusCallback: attr.url().optional(),
    amdStatusCallbackMethod: attr.method().optional(),
  }),
  content: 'text',
  text: { pattern: /^\s*[sS][iI][pP][sS]?:\S+\s*$/, expected: 'expected a SIP URI such as sip:alice@example.com' },
  codes: { default: 13260, '#text': 13261 },
});

export type SipNode = NodeOf<typeof sip>;
