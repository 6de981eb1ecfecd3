/**
 * The interpreter's shared types: what a call runs (AppConfig, Next), what the runtime
 * reports (RuntimeEvents), and what a call session needs from the runtime (SessionDeps).
 */
import type { MarkupIssue, VoiceDocument } from '@patchbay/markup';
import type { WebhookParams } from '@patchbay/sdk';
import type { EventEmitter } from 'eventemitter3';
import type { CallError, CallRecord, CallStatus } from '../calls/call.js';
import type { Clock } from '../clock/clock.js';
import type { ConferenceSnapshot } from '../conference/conference.js';
import type { ConferenceRegistry } from '../conference/registry.js';
import type { AccountLimitOverrides } from '../limits/account-limits.js';
import type { MediaAdapter } from '../media/types.js';
import type { Messages } from '../messaging/messages.js';
import type { MessageRecord } from '../messaging/types.js';
import type { QueueRegistry } from '../queue/queues.js';
import type { ChildCall, DialRequest, NewRecording, Outcome, RecordingRecord } from '../verbs/types.js';
import type { Callbacks } from '../webhooks/callbacks.js';
import type { Egress } from '../webhooks/egress.js';
import type { LocalApps } from './local-apps.js';
import type { CallSession } from './session.js';

/** The account a call belongs to: its SID, and the auth token that signs its webhooks. */
export interface CallAccount {
  readonly sid: string;
  readonly authToken: string;
  /** The account's own limits (its concurrent calls), where they differ from the runtime's. */
  readonly limits?: AccountLimitOverrides | undefined;
}

export type CallEvent = 'initiated' | 'ringing' | 'answered' | 'completed';

/** How a run of documents ended. */
export type RunEnd = 'finished' | 'left' | 'stopped';

/** What a call runs, and where it reports. */
export interface AppConfig {
  readonly method: 'GET' | 'POST';
  readonly fallbackUrl?: string | undefined;
  readonly fallbackMethod: 'GET' | 'POST';
  readonly statusCallback?: string | undefined;
  readonly statusCallbackMethod: 'GET' | 'POST';
  readonly statusCallbackEvents: ReadonlySet<CallEvent>;
}

/** What runs next: a document to fetch, or one already at hand (live `twiml`, with its parser warnings). */
export type Next =
  | Extract<Outcome, { type: 'fetch' }>
  | {
      readonly type: 'document';
      readonly document: VoiceDocument;
      readonly url: string;
      readonly warnings?: readonly MarkupIssue[];
    };

/** One request a call made to its app for a document, and what came back: the call's Events. */
export interface WebhookExchange {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly params: WebhookParams;
  /** What the app answered (any status), when it answered. */
  readonly response?: {
    readonly status: number;
    readonly contentType: string;
    readonly headers: Readonly<Record<string, string>>;
    readonly body: string;
  };
  /** Why the request failed, when it did (the code is also on the call's errors). */
  readonly error?: { readonly code: number; readonly message: string };
  /** When it was sent (the runtime's clock), and how long it took, in milliseconds. */
  readonly at: number;
  readonly durationMs: number;
}

export interface RuntimeEvents {
  'call.created': (call: CallRecord) => void;
  'call.status': (call: CallRecord, previous: CallStatus) => void;
  'call.verb': (call: CallRecord, verb: string) => void;
  /** A verb finished: its wall time in milliseconds (document fetches are not included). */
  'call.verb.ended': (call: CallRecord, verb: string, elapsedMs: number) => void;
  'call.error': (call: CallRecord, error: CallError) => void;
  'call.warning': (call: CallRecord, warning: { code: number; message: string; url?: string }) => void;
  /** The call requested a document from its app (the first URL, an action, a redirect, a fallback). */
  'call.webhook': (call: CallRecord, exchange: WebhookExchange) => void;
  'call.ended': (call: CallRecord) => void;
  /** A conference room changed: someone joined or left, it started or ended, a mute or hold. */
  'conference.updated': (room: ConferenceSnapshot) => void;
  /** An inbound call (or message) was declined: nothing is routed to the number, or its account is at its limit. */
  'incoming.rejected': (call: {
    readonly to: string;
    readonly from: string;
    readonly kind: 'call' | 'message';
    /** Why, when the number has an app: the account is at its concurrent-call limit (10004). */
    readonly error?: { readonly code: number; readonly message: string };
  }) => void;
  /** A recording was stored (Record, Dial, Conference). */
  'recording.saved': (recording: RecordingRecord) => void;
  /** A message was sent or received, or its status changed. */
  'message.updated': (message: MessageRecord) => void;
  /** The app of an inbound message failed (unreachable, invalid document, too many redirects). */
  'message.error': (message: MessageRecord, error: { code: number; message: string; url: string }) => void;
}

export interface SessionDeps {
  readonly clock: Clock;
  readonly media: MediaAdapter;
  /** Places a child call for `parent` (Dial). */
  readonly dialChild: (parent: CallSession, request: DialRequest, signal: AbortSignal) => ChildCall;
  readonly queues: QueueRegistry;
  readonly conferences: ConferenceRegistry;
  readonly messages: Messages;
  /** Stores a recording of `callSid`. */
  readonly saveRecording: (accountSid: string, callSid: string, recording: NewRecording) => RecordingRecord;
  readonly callbacks: Callbacks;
  readonly events: EventEmitter<RuntimeEvents>;
  /** Where documents may be fetched from. @default DEFAULT_EGRESS */
  readonly egress?: Egress | undefined;
  /** Documents fetched with no verb involving the caller in between, before giving up. */
  readonly maxFetchesWithoutProgress: number;
  /** Whether the account may present `number` as a caller ID or message sender. */
  readonly callerIdAllowed: (accountSid: string, number: string) => Promise<boolean>;
  /** Documents answered in-process (reserved `.invalid` origins: rooms). */
  readonly localApps?: LocalApps | undefined;
}
