import * as z from 'zod';
import { attr, RECORDING_EVENTS, TRIM_VALUES } from '../attributes.js';
import { defineElement, type NodeOf } from '../define.js';
import type { ApplicationNode } from '../nouns/application.js';
import type { ClientNode } from '../nouns/client.js';
import type { ConferenceNode } from '../nouns/conference.js';
import { type NumberNode, PHONE_NUMBER } from '../nouns/number.js';
import type { QueueNode } from '../nouns/queue.js';
import type { SipNode } from '../nouns/sip.js';

export const DIAL_RECORD = [
  'do-not-record',
  'record-from-answer',
  'record-from-ringing',
  'record-from-answer-dual',
  'record-from-ringing-dual',
] as const;

const RING_TONES = [
  'at',
  'au',
  'bg',
  'br',
  'be',
  'ch',
  'cl',
  'cn',
  'cz',
  'de',
  'dk',
  'ee',
  'es',
  'fi',
  'fr',
  'gr',
  'hu',
  'il',
  'in',
  'it',
  'lt',
  'jp',
  'mx',
  'my',
  'nl',
  'no',
  'nz',
  'ph',
  'pl',
  'pt',
  'ru',
  'se',
  'sg',
  'th',
  'uk',
  'us',
  'us-old',
  'tw',
  've',
  'za',
] as const;

/**
 * `<Dial>` connects the caller to another party: a phone number as text, or nouns (Number, Client,
 * Conference, Sip, Queue, Application). Several nouns ring in parallel (first answer wins)
 * unless `sequential`. With no `action` the current document continues after the call.
 */
export const dial = defineElement({
  name: 'Dial',
  summary: 'Connect the caller to numbers, clients, SIP, a conference or a queue.',
  attributes: z.object({
    action: attr.url().optional(),
    method: attr.method().default('POST'),
    timeout: attr.int({ min: 1, max: 600 }).default(30),
    callerId: attr.text().optional(),
    record: attr.oneOf(DIAL_RECORD).default('do-not-record'),
    trim: attr.oneOf(TRIM_VALUES).default('do-not-trim'),
    recordingStatusCallback: attr.url().optional(),
    recordingStatusCallbackMethod: attr.method().default('POST'),
    recordingStatusCallbackEvent: attr.list(RECORDING_EVENTS).default(['completed']),
    recordingTrack: attr.oneOf(['both', 'inbound', 'outbound']).default('both'),
    recordingConfigurationId: attr.text().optional(),
    hangupOnStar: attr.bool().default(false),
    timeLimit: attr.int({ min: 1, max: 14400 }).default(14400),
    answerOnBridge: attr.bool().default(false),
    ringTone: attr.oneOf(RING_TONES).optional(),
    sequential: attr.bool().default(false),
    events: attr.oneOf(['call-progress-event']).optional(),
    referUrl: attr.url().optional(),
    referMethod: attr.method().default('POST'),
    passports: attr.text().optional(),
  }),
  content: 'text+elements',
  children: ['Number', 'Client', 'Conference', 'Sip', 'Queue', 'Application', 'Sim', 'WhatsApp'],
  text: { pattern: PHONE_NUMBER, expected: 'expected a phone number such as +15551234567' },
  codes: {
    default: 13219,
    method: 13210,
    timeout: 13212,
    hangupOnStar: 13213,
    callerId: 13214,
    timeLimit: 13216,
    record: 13217,
    '#text': 13223,
  },
});

export type DialNoun = NumberNode | ClientNode | ConferenceNode | SipNode | QueueNode | ApplicationNode;
export type DialNode = NodeOf<typeof dial, DialNoun>;
