/**
 * @patchbay/markup: parse, validate, build and serialize TwiML-style markup.
 *
 * @example
 * import { parseVoice, VoiceResponse } from '@patchbay/markup';
 * const response = new VoiceResponse();
 * response.say({ voice: 'alice' }, 'Hello');
 * const result = parseVoice(response.toString());
 */

export { MessagingResponse } from './build/messaging.js';
/** Builders with the helper library's API and byte-identical output. */
export { VoiceResponse } from './build/voice.js';
export { MarkupCode } from './codes.js';
export type { BuilderAttributes, ContentKind, ElementDef, NodeOf, OpaqueNode } from './define.js';
/** Issues, errors and codes. */
export { MarkupError, type MarkupIssue, type MarkupIssueType } from './errors.js';
export type { ApplicationNode, ApplicationSidNode } from './nouns/application.js';
export type { ClientNode, IdentityNode } from './nouns/client.js';
export { CONFERENCE_EVENTS, type ConferenceNode } from './nouns/conference.js';
export type { NumberNode } from './nouns/number.js';
export type { ParameterNode } from './nouns/parameter.js';
export type { QueueNode } from './nouns/queue.js';
export type { RecordingNode } from './nouns/recording.js';
export type { SipNode } from './nouns/sip.js';
export type { SsmlNode } from './nouns/ssml.js';
export type { StreamNode } from './nouns/stream.js';
export type { TaskNode } from './nouns/task.js';
/** Parsing and validation. */
export {
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_DEPTH,
  type ParseOptions,
  type ParseResult,
  parseMessaging,
  parseVoice,
} from './parse.js';
/** Writing typed documents back to markup. */
export { serialize } from './serialize.js';
export type { ConnectNode } from './verbs/connect.js';
export type { DialNode, DialNoun } from './verbs/dial.js';
export type { EnqueueNode } from './verbs/enqueue.js';
export type { GatherNode } from './verbs/gather.js';
export type { HangupNode } from './verbs/hangup.js';
/** The element registry: schemas, defaults and codes of every verb and noun. */
export {
  type Dialect,
  MESSAGING_VERBS,
  type MessagingDocument,
  type MessagingVerb,
  messagingElements,
  VOICE_VERBS,
  type VoiceDocument,
  type VoiceVerb,
  voiceElements,
} from './verbs/index.js';
export type { LeaveNode } from './verbs/leave.js';
export type { BodyNode, MediaNode, MessageNode } from './verbs/message.js';
export type { PauseNode } from './verbs/pause.js';
export type { PlayNode } from './verbs/play.js';
export type { RecordNode } from './verbs/record.js';
export type { RedirectNode } from './verbs/redirect.js';
export type { ReferNode } from './verbs/refer.js';
export type { RejectNode } from './verbs/reject.js';
/** Node types, one per element. */
export type { SayNode } from './verbs/say.js';
export type { SmsNode } from './verbs/sms.js';
export type { StartNode, StopNode } from './verbs/start.js';
