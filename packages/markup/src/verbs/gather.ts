import * as z from 'zod';
import { attr } from '../attributes.js';
import { defineElement, type NodeOf } from '../define.js';
import type { PauseNode } from './pause.js';
import type { PlayNode } from './play.js';
import type { SayNode } from './say.js';

/**
 * `<Gather>` collects DTMF digits and/or speech while its nested Say/Play/Pause prompts run
 * (input interrupts them when `bargeIn`). With no `action`, results are posted to the URL of the
 * current document (the runtime resolves that).
 */
export const gather = defineElement({
  name: 'Gather',
  summary: 'Collect DTMF digits or speech, with nested prompts.',
  attributes: z.object({
    action: attr.url().optional(),
    method: attr.method().default('POST'),
    timeout: attr.int({ min: 0, max: 3600 }).default(5),
    finishOnKey: attr.text(/^[0-9*#]?$/, 'expected one key of 0-9, * or #, or empty to disable').default('#'),
    numDigits: attr.int({ min: 1, max: 1000 }).optional(),
    input: attr.list(['dtmf', 'speech']).default(['dtmf']),
    language: attr.language().default('en-US'),
    hints: attr.text().optional(),
    speechTimeout: attr.secondsOrAuto({ min: 0, max: 3600 }).optional(),
    speechModel: attr.text().optional(),
    enhanced: attr.bool().default(false),
    profanityFilter: attr.bool().default(true),
    actionOnEmptyResult: attr.bool().default(false),
    bargeIn: attr.bool().default(true),
    partialResultCallback: attr.url().optional(),
    partialResultCallbackMethod: attr.method().default('POST'),
    maxSpeechTime: attr.int({ min: 1, max: 60 }).default(60),
    debug: attr.bool().optional(),
  }),
  content: 'elements',
  children: ['Say', 'Play', 'Pause'],
  codes: {
    default: 13339,
    finishOnKey: 13310,
    method: 13312,
    timeout: 13313,
    numDigits: 13314,
    input: 13325,
    language: 13326,
    speechTimeout: 13327,
    maxSpeechTime: 13328,
    hints: 13330,
    actionOnEmptyResult: 13338,
  },
});

export type GatherNode = NodeOf<typeof gather, SayNode | PlayNode | PauseNode>;
