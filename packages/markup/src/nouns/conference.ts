import * as z from 'zod';
import { attr, RECORDING_EVENTS, TRIM_VALUES } from '../attributes.js';
import { defineElement, type NodeOf } from '../define.js';

/** Conference status callback events, as written in `statusCallbackEvent`. */
export const CONFERENCE_EVENTS = [
  'start',
  'end',
  'join',
  'leave',
  'mute',
  'hold',
  'modify',
  'speaker',
  'announcement',
] as const;

/**
 * `<Conference>` joins a named room (names are per account). Others hear `waitUrl` until a
 * participant with `startConferenceOnEnter` joins.
 */
export const conference = defineElement({
  name: 'Conference',
  summary: 'Join a named conference room.',
  attributes: z.object({
    muted: attr.bool().default(false),
    beep: attr.boolOr(['onEnter', 'onExit']).default(true),
    startConferenceOnEnter: attr.bool().default(true),
    endConferenceOnExit: attr.bool().default(false),
    waitUrl: attr.url().optional(),
    waitMethod: attr.method().default('POST'),
    maxParticipants: attr.int({ min: 2, max: 250 }).default(250),
    record: attr.oneOf(['do-not-record', 'record-from-start']).default('do-not-record'),
    trim: attr.oneOf(TRIM_VALUES).default('trim-silence'),
    coach: attr.text(/^CA[0-9a-fA-F]{32}$/, 'expected a call SID (CA followed by 32 hex digits)').optional(),
    statusCallback: attr.url().optional(),
    statusCallbackMethod: attr.method().default('POST'),
    statusCallbackEvent: attr.list(CONFERENCE_EVENTS).optional(),
    recordingStatusCallback: attr.url().optional(),
    recordingStatusCallbackMethod: attr.method().default('POST'),
    recordingStatusCallbackEvent: attr.list(RECORDING_EVENTS).default(['completed']),
    jitterBufferSize: attr.oneOf(['large', 'medium', 'small', 'off']).default('large'),
    participantLabel: attr.text().optional(),
    eventCallbackUrl: attr.url().optional(),
    region: attr.oneOf(['us1', 'us2', 'ie1', 'sg1', 'br1', 'au1', 'jp1', 'de1']).optional(),
    recordingConfigurationId: attr.text().optional(),
  }),
  content: 'text',
  text: { pattern: /\S/, expected: 'expected a conference room name' },
  codes: {
    default: 13239,
    muted: 13230,
    endConferenceOnExit: 13231,
    startConferenceOnEnter: 13232,
    waitUrl: 13233,
    waitMethod: 13234,
    beep: 13235,
    maxParticipants: 13236,
    '#text': 13237,
  },
});

export type ConferenceNode = NodeOf<typeof conference>;
