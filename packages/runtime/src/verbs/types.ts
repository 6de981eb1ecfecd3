/**
 * The contract between the interpreter and the verb handlers. A handler carries out one verb
 * and returns what should happen next as data; the interpreter alone acts on it.
 */
import type { WebhookParams } from '@patchbay/sdk';
import type { Clock } from '../clock/clock.js';
import type { ConferenceRegistry } from '../conference/registry.js';
import type { DocumentedCode } from '../error-codes/index.js';
import type { Address, MediaAdapter, MediaLeg, OriginateRequest } from '../media/types.js';
import type { SendMessage } from '../messaging/messages.js';
import type { MessageRecord } from '../messaging/types.js';
import type { QueueRegistry } from '../queue/queues.js';

export type Outcome =
  /** Run the next verb of the document (or hang up after the last). */
  | { readonly type: 'next' }
  /**
   * Fetch a document and continue with it. `progress` says whether the caller took part since
   * the last fetch (gave input, was connected): fetches without progress are bounded.
   */
  | {
      readonly type: 'fetch';
      readonly url: string;
      readonly method: 'GET' | 'POST';
      readonly params?: WebhookParams;
      readonly progress: boolean;
    }
  /** End the call. */
  | { readonly type: 'hangup' }
  /** Leave the queue the call waits in (from a wait document); elsewhere, go on. */
  | { readonly type: 'leave' };

export const NEXT: Outcome = { type: 'next' };
export const HANGUP: Outcome = { type: 'hangup' };

export type AttemptResult = 'answered' | 'busy' | 'no-answer' | 'failed' | 'canceled';

/** One party a Dial rings: the request, and the child call's status callbacks. */
export interface DialRequest {
  readonly to: Address;
  /** The caller ID shown to the dialed party. */
  readonly from: string;
  readonly timeoutMs: number;
  readonly sip?: OriginateRequest['sip'];
  /** `<Parameter>`s of a `<Client>`, passed to the device with the invitation. */
  readonly parameters?: Readonly<Record<string, string>>;
  readonly statusCallback?: string | undefined;
  readonly statusCallbackMethod: 'GET' | 'POST';
  readonly statusCallbackEvent: readonly ('initiated' | 'ringing' | 'answered' | 'completed')[];
}

/** A child call placed by Dial (direction outbound-dial, with the parent's CallSid). */
export interface ChildCall {
  readonly sid: string;
  /** Settles when the party answers or the attempt ends. */
  readonly result: Promise<AttemptResult>;
  /** The party's media, once answered. */
  readonly leg: MediaLeg | undefined;
  /** Runs a whisper document on the answered party; true when it ran to its end (bridge next). */
  whisper(url: string, method: 'GET' | 'POST'): Promise<boolean>;
  /** Ends the child call (hang up if answered, cancel if ringing). */
  end(): Promise<void>;
  /** Whether the child call has ended (the party hung up). */
  readonly over: boolean;
  /** Aborts when the child call ends, however (its party hung up, or it was ended through REST). */
  readonly ended: AbortSignal;
  /** The SIP final response of the attempt (200 when answered), on SIP media. */
  readonly sipResponseCode: number | undefined;
}

/** What a handler may use. */
export interface VerbContext {
  /** The call running the verb. */
  readonly call: { readonly sid: string; readonly from: string; readonly to: string };
  /** The call's account (conference rooms and queues are named per account). */
  readonly account: { readonly sid: string; readonly authToken: string };
  readonly media: MediaAdapter;
  /** Places a child call for Dial; `signal` cancels it while it rings. */
  dial(request: DialRequest, signal: AbortSignal): ChildCall;
  readonly clock: Clock;
  /** Aborts when the verb is interrupted (live modification, barge-in) or the call ends. */
  readonly signal: AbortSignal;
  /**
   * Aborts only when live modification replaces the verb. Work that must finish when the
   * caller hangs up (Record keeps what it recorded) waits on this instead of `signal`; an action
   * returned after the call ended is still requested, and its answer ignored.
   */
  readonly replaced: AbortSignal;
  readonly leg: MediaLeg;
  /** URL of the document being run: relative URLs resolve against it; actions default to it. */
  readonly documentUrl: string;
  /** Whether the call has been answered. */
  readonly answered: boolean;
  /** Answers the call if it is not yet answered. */
  answer(): Promise<void>;
  /** Declines an unanswered inbound call; the call ends busy or no-answer. */
  reject(reason: 'busy' | 'rejected'): Promise<void>;
  /** Resolves a URL from the document against the document's URL. */
  resolve(url: string): string;
  /** The call's standard webhook parameters plus `extra`. */
  params(extra?: Record<string, string>): WebhookParams;
  /** Records a problem on the call without stopping it (a warning Notification with `code`). */
  warn(code: DocumentedCode, message: string): void;
  /** Sends a callback in the background (recording status and the like); never delays the call. */
  notify(url: string, method: 'GET' | 'POST', params: WebhookParams): void;
  /** Whether the call's account may present `number` as a caller ID or message sender. */
  mayPresent(number: string): Promise<boolean>;
  /** The runtime's call queues. */
  readonly queues: QueueRegistry;
  /** The runtime's conference rooms. */
  readonly conferences: ConferenceRegistry;
  /**
   * Runs a document inside this verb (a queue's wait document) until it runs out (`finished`),
   * a `<Leave>` (`left`), or `within` aborts / the call ends / live modification (`stopped`).
   */
  runNested(
    first: { url: string; method: 'GET' | 'POST'; params: WebhookParams },
    within: AbortSignal,
  ): Promise<'finished' | 'left' | 'stopped'>;
  /** Sends a text message from this call (Sms). */
  sendMessage(message: Omit<SendMessage, 'callSid' | 'direction' | 'account'>): MessageRecord;
  /** Keeps a recording of this call; returns its SID and URL. */
  saveRecording(recording: NewRecording): RecordingRecord;
}

export interface NewRecording {
  readonly audio: Uint8Array;
  readonly durationMs: number;
  readonly startedAt: number;
  readonly source: 'RecordVerb' | 'DialVerb' | 'Conference' | 'StartCallRecordingAPI' | 'OutboundAPI';
  /** @default 1 */
  readonly channels?: 1 | 2;
}

/** A stored recording. */
export interface RecordingRecord {
  readonly sid: string;
  readonly accountSid: string;
  /** The recorded call (Record, Dial); absent for conference recordings. */
  readonly callSid?: string;
  /** The recorded conference. */
  readonly conferenceSid?: string;
  /** Whole seconds. */
  readonly duration: number;
  readonly channels: 1 | 2;
  readonly source: NewRecording['source'];
  readonly status: 'completed';
  readonly startedAt: number;
  /** Where the audio is served (append `.wav`). */
  readonly url: string;
  readonly audio: Uint8Array;
}

/** The handler of one verb: `node` is that verb's typed node. */
export type VerbHandler<N> = (node: N, context: VerbContext) => Promise<Outcome>;

/** The fetch outcome for an action URL (the document's URL when the verb has no action). */
export function action(
  context: VerbContext,
  attributes: { readonly action?: string | undefined; readonly method: 'GET' | 'POST' },
  params: Record<string, string>,
): Outcome {
  return {
    type: 'fetch',
    url: context.resolve(attributes.action ?? context.documentUrl),
    method: attributes.method,
    params: context.params(params),
    progress: true,
  };
}
