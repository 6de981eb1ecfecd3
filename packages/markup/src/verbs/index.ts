/**
 * The one registry of elements per dialect. Each key must equal its definition's name (checked
 * by the `satisfies` clause), and the parser, serializer and docs all walk these tables.
 */
import * as z from 'zod';
import { defineElement, type ElementDef, type NodeOf, type OpaqueNode } from '../define.js';
import { application, applicationSid } from '../nouns/application.js';
import { client, identity } from '../nouns/client.js';
import { conference } from '../nouns/conference.js';
import { number } from '../nouns/number.js';
import * as opaque from '../nouns/opaque.js';
import { parameter } from '../nouns/parameter.js';
import { queue } from '../nouns/queue.js';
import { recording } from '../nouns/recording.js';
import { sip } from '../nouns/sip.js';
import { ssmlElements } from '../nouns/ssml.js';
import { stream } from '../nouns/stream.js';
import { task } from '../nouns/task.js';
import { type ConnectNode, connect } from './connect.js';
import { type DialNode, dial } from './dial.js';
import { type EnqueueNode, enqueue } from './enqueue.js';
import { type GatherNode, gather } from './gather.js';
import { type HangupNode, hangup } from './hangup.js';
import { type LeaveNode, leave } from './leave.js';
import { body, type MessageNode, media, message } from './message.js';
import { type PauseNode, pause } from './pause.js';
import { type PlayNode, play } from './play.js';
import { type RecordNode, record } from './record.js';
import { type RedirectNode, redirect } from './redirect.js';
import { type ReferNode, refer } from './refer.js';
import { type RejectNode, reject } from './reject.js';
import { type SayNode, say } from './say.js';
import { type SmsNode, sms } from './sms.js';
import { type StartNode, type StopNode, start, stop } from './start.js';

/** Checks at compile time that every key names its own definition. */
function registry<const T extends { readonly [K in keyof T]: ElementDef<K & string> }>(table: T): T {
  return table;
}

/** Verbs allowed directly inside a voice `<Response>`. */
export const VOICE_VERBS = [
  'Say',
  'Play',
  'Pause',
  'Gather',
  'Dial',
  'Record',
  'Redirect',
  'Hangup',
  'Reject',
  'Enqueue',
  'Leave',
  'Connect',
  'Start',
  'Stop',
  'Refer',
  'Sms',
  'Pay',
  'Echo',
] as const;

/** Verbs allowed directly inside a messaging `<Response>`. */
export const MESSAGING_VERBS = ['Message', 'Redirect'] as const;

const voiceResponse = defineElement({
  name: 'Response',
  summary: 'The root of a voice document: verbs run in order.',
  attributes: z.object({}),
  content: 'elements',
  children: VOICE_VERBS,
  codes: { default: 12200 },
});

const messagingResponse = defineElement({
  name: 'Response',
  summary: 'The root of a messaging document.',
  attributes: z.object({}),
  content: 'elements',
  children: MESSAGING_VERBS,
  codes: { default: 12200 },
});

export const voiceElements = registry({
  Response: voiceResponse,
  Say: say,
  Play: play,
  Pause: pause,
  Gather: gather,
  Dial: dial,
  Record: record,
  Redirect: redirect,
  Hangup: hangup,
  Reject: reject,
  Enqueue: enqueue,
  Leave: leave,
  Connect: connect,
  Start: start,
  Stop: stop,
  Refer: refer,
  Sms: sms,
  Number: number,
  Client: client,
  Identity: identity,
  Parameter: parameter,
  Conference: conference,
  Sip: sip,
  Queue: queue,
  Application: application,
  ApplicationSid: applicationSid,
  Stream: stream,
  Recording: recording,
  Task: task,
  Pay: opaque.pay,
  Prompt: opaque.prompt,
  Echo: opaque.echo,
  Room: opaque.room,
  VirtualAgent: opaque.virtualAgent,
  Conversation: opaque.conversation,
  ConversationRelay: opaque.conversationRelay,
  ConversationRelaySession: opaque.conversationRelaySession,
  AiSession: opaque.aiSession,
  Autopilot: opaque.autopilot,
  Siprec: opaque.siprec,
  Transcription: opaque.transcription,
  Sim: opaque.sim,
  WhatsApp: opaque.whatsApp,
  ...ssmlElements,
});

export const messagingElements = registry({
  Response: messagingResponse,
  Message: message,
  Body: body,
  Media: media,
  Redirect: redirect,
});

export type Dialect = 'voice' | 'messaging';
export const dialects: Record<Dialect, Readonly<Record<string, ElementDef>>> = {
  voice: voiceElements,
  messaging: messagingElements,
};

/** A verb of a voice document; niche and unknown elements are `OpaqueNode`s. */
export type VoiceVerb =
  | SayNode
  | PlayNode
  | PauseNode
  | GatherNode
  | DialNode
  | RecordNode
  | RedirectNode
  | HangupNode
  | RejectNode
  | EnqueueNode
  | LeaveNode
  | ConnectNode
  | StartNode
  | StopNode
  | ReferNode
  | SmsNode;

export type MessagingVerb = MessageNode | RedirectNode;

/** A parsed voice document: the `<Response>` element and its verbs in order. */
export type VoiceDocument = NodeOf<typeof voiceResponse, VoiceVerb>;
/** A parsed messaging document. */
export type MessagingDocument = NodeOf<typeof messagingResponse, MessagingVerb>;

export type { OpaqueNode };
