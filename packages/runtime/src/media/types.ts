/**
 * The media adapter: what the runtime needs from whatever carries the audio (the simulated
 * network, a SIP/RTP stack, WebRTC). It is deliberately thin: it plays, speaks, hears digits and
 * speech, records, bridges and mixes, and places calls. Every decision (how many digits, which
 * timeout, who answered first) stays in the runtime, on the injected clock, so an adapter only
 * moves media and reports what happened.
 *
 * Long operations take an AbortSignal: the runtime interrupts a prompt on barge-in, a verb on
 * live modification, everything on hang-up. An aborted operation rejects with `signal.reason`.
 */
import type { EventEmitter } from 'eventemitter3';
import type { DocumentedCode } from '../error-codes/index.js';
import type { DeviceLeg, DeviceLegRequest, RtpTrunk, TrunkLeg, TrunkLegRequest } from './remote-legs.js';

/**
 * A media operation an adapter could not carry out for a reason the app should see (a Play URL
 * that is not audio, text no engine can speak). The verb records `code` as a warning on the call
 * and goes on; any other rejection ends the call as an error.
 */
export class MediaProblem extends Error {
  override readonly name = 'MediaProblem';
  constructor(
    readonly code: DocumentedCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface MediaCapabilities {
  /** Hears DTMF from the party and can play DTMF to it. */
  readonly dtmf: boolean;
  /** Recognizes speech (Gather input="speech"). */
  readonly speech: boolean;
  /** Speaks text (Say). */
  readonly tts: boolean;
  /** Plays audio from a URL (Play). */
  readonly play: boolean;
  /** Records a leg (Record, Dial record). */
  readonly record: boolean;
  /** Mixes several legs (Conference). */
  readonly conference: boolean;
  /** Places outgoing calls to these kinds of address. */
  readonly originate: ReadonlyArray<AddressKind>;
  /** Carries client devices' audio over WebRTC (`deviceLeg` with `sdp`). @default false */
  readonly webrtc?: boolean;
}

export type AddressKind = 'number' | 'sip' | 'client';

export interface Address {
  readonly kind: AddressKind;
  /** E.164 number, SIP URI, or client identity. */
  readonly value: string;
}

export interface SpeechResult {
  readonly transcript: string;
  /** 0..1 */
  readonly confidence: number;
}

/** Why a leg ended other than by the party hanging up: its media stopped arriving. */
export type HangupCause = 'media-timeout';

/** What a leg reports. */
export interface LegEvents {
  /** The party pressed a key: one of 0-9 * # A-D. */
  dtmf: (digit: string) => void;
  /** The party started speaking while speech input is on (barge-in). */
  speechStart: () => void;
  /** A finished utterance while speech input is on. */
  speech: (result: SpeechResult) => void;
  /** An interim result while the party speaks, when asked for (`partialResults`). */
  speechPartial: (result: { readonly stable: string; readonly unstable: string }) => void;
  /**
   * The party hung up (or the network dropped it). `cause` says why when it was not the party's
   * own choice: `media-timeout` when its audio stopped arriving (a far end or trunk that vanished
   * without a BYE). No cause: an ordinary hang-up.
   */
  hangup: (cause?: HangupCause) => void;
}

export interface InputOptions {
  readonly speech?: {
    readonly language: string;
    readonly hints?: string;
    /** Silence that ends an utterance; `auto` lets the recognizer decide. */
    readonly endOfSpeechMs: number | 'auto';
    readonly maxSpeechMs: number;
    /** Recognizer hints the app chose; an adapter uses those it can. */
    readonly model?: string;
    readonly enhanced?: boolean;
    readonly profanityFilter?: boolean;
    /** Emit `speechPartial` events while the party speaks. */
    readonly partialResults?: boolean;
  };
}

export interface RecordOptions {
  readonly maxLengthMs: number;
  /** Silence that ends the recording. */
  readonly silenceTimeoutMs: number;
  /** Keys that end the recording. */
  readonly finishOnKey: string;
  readonly trimSilence: boolean;
}

export interface RecordResult {
  /** WAV audio. */
  readonly audio: Uint8Array;
  readonly durationMs: number;
  readonly endedBy: 'silence' | 'key' | 'max-length' | 'hangup';
  /** The key that ended it, when `endedBy` is `key`. */
  readonly key?: string;
}

/** Who speaks a `<Say>`, and its SSML when it has some. */
export interface SayVoice {
  readonly voice: string;
  readonly language: string;
  readonly ssml?: string;
}

/** One party's media: an inbound caller or a party the runtime dialed. */
export interface MediaLeg {
  readonly id: string;
  readonly events: EventEmitter<LegEvents>;
  /** Answers an inbound leg (no-op for a dialed one). */
  answer(): Promise<void>;
  /**
   * Declines an inbound leg before answering: busy or rejected by the app, or `not-found` when no
   * app holds the number or address called (SIP answers 404, not a refusal by anyone).
   */
  reject(reason: 'busy' | 'rejected' | 'not-found'): Promise<void>;
  /** Ends the leg; idempotent. */
  hangup(): Promise<void>;
  /**
   * Speaks `text`. `voice.ssml` is the same speech as an SSML `<speak>` document, when the app
   * used SSML elements (break, prosody, say-as, ...): an engine that reads SSML speaks that instead.
   */
  say(text: string, voice: SayVoice, signal: AbortSignal): Promise<void>;
  play(url: string, signal: AbortSignal): Promise<void>;
  /** Plays DTMF tones to the party (`w` = half-second pause). */
  sendDigits(digits: string, signal: AbortSignal): Promise<void>;
  /**
   * Plays a ring tone (or the far end's early media) to the party until `signal` aborts: what a
   * caller hears while a Dial rings. Before the leg is answered it goes as early media.
   * Absent: the adapter plays nothing (the simulated network).
   */
  ringback?(signal: AbortSignal): Promise<void>;
  /** The short tone before a recording or on conference entry. */
  beep(signal: AbortSignal): Promise<void>;
  /** Turns speech recognition on until the returned function is called (DTMF is always heard). */
  listen(options: InputOptions): () => void;
  record(options: RecordOptions, signal: AbortSignal): Promise<RecordResult>;
}

export type OriginateOutcome =
  | { readonly outcome: 'answered'; readonly leg: MediaLeg }
  | {
      readonly outcome: 'busy' | 'no-answer' | 'failed' | 'rejected' | 'canceled';
      readonly reason?: string;
      /** The SIP final response that ended the attempt, on SIP media. */
      readonly sipResponseCode?: number;
    };

export interface OriginateRequest {
  readonly to: Address;
  readonly from: string;
  /** Give up after ringing this long. */
  readonly timeoutMs: number;
  /** SIP credentials and headers, when dialing SIP. */
  readonly sip?: { readonly username?: string; readonly password?: string; readonly headers?: Record<string, string> };
  /**
   * The SID of the account placing the call. An adapter may choose a trunk or a caller-ID policy
   * by it; the simulated network finds the far ends that account scripted.
   */
  readonly account?: string;
  /**
   * The leg of the call that dials (a Dial's caller), while it waits: an adapter may let it hear
   * the far end's early media (a 183 with SDP: announcements, the carrier's own ringing) in place
   * of the ring tone. Absent for REST calls.
   */
  readonly caller?: MediaLeg;
}

/** An on-net call: the caller's outcome, and the leg the called number's app answers. */
export interface LinkedCall {
  /** The called side's leg: the runtime runs the called number's app on it as an inbound call. */
  readonly callee: MediaLeg;
  /** Settles as `originate` would, from what the callee's app does with `callee`. */
  readonly outcome: Promise<OriginateOutcome>;
}

/** Two legs hearing each other until closed. */
export interface Bridge {
  /** Ends the bridge; returns the recording when the bridge was asked to record. */
  close(): RecordResult | undefined | Promise<RecordResult | undefined>;
}

export interface BridgeOptions {
  /** Record the bridged audio: one mixed channel, or each leg on its own channel. */
  readonly record?: 'mono' | 'dual';
}

/** A conference room's audio. */
export interface Mixer {
  /** `coaching`: the leg this one coaches, who alone hears it (it hears everyone). */
  join(leg: MediaLeg, options: { muted: boolean; coaching?: MediaLeg }): void;
  leave(leg: MediaLeg): void;
  setMuted(leg: MediaLeg, muted: boolean): void;
  /** A held leg hears `music` (or silence) and is not heard. */
  setHeld(leg: MediaLeg, held: boolean): void;
  /** Plays to everyone in the room. */
  announce(what: { url: string } | { text: string }, signal: AbortSignal): Promise<void>;
  close(): void;
}

/** What a SIP adapter knows of an inbound call beyond To and From (the app's Sip* parameters). */
export interface SipCallInfo {
  /** The Request-URI, `sip:user@host[:port][;params]`. */
  readonly requestUri: string;
  /** The From header's URI. */
  readonly from: string;
  readonly callId: string;
  readonly sourceIp: string;
  /** The INVITE's headers as received (only `X-` ones are passed on). */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  /** The username whose credential admitted the call, when digest did. */
  readonly username?: string;
}

/** An inbound call as an adapter reports it. */
export interface IncomingCallInfo {
  readonly to: string;
  readonly from: string;
  /** On SIP media: the INVITE's details (routing to SIP domains, the Sip* webhook parameters). */
  readonly sip?: SipCallInfo;
}

export interface AdapterEvents {
  /** A call arrives for `to`; the runtime routes it and answers, rejects or ignores the leg. */
  incoming: (leg: MediaLeg, call: IncomingCallInfo) => void;
}

export type {
  DeviceLeg,
  DeviceLegRequest,
  RtpEndpoint,
  RtpTrunk,
  TrunkLeg,
  TrunkLegRequest,
} from './remote-legs.js';

export interface MediaAdapter {
  readonly name: string;
  readonly capabilities: MediaCapabilities;
  readonly events: EventEmitter<AdapterEvents>;
  /** Media for a device that accepted or placed a call (absent: the adapter cannot carry devices). */
  deviceLeg?(request: DeviceLegRequest): DeviceLeg;
  /**
   * Places a call. `onRinging` fires when the far end rings. Resolves with the outcome; when
   * `signal` aborts first (another party answered, the caller hung up) it resolves `canceled`.
   */
  originate(request: OriginateRequest, signal: AbortSignal, onRinging?: () => void): Promise<OriginateOutcome>;
  /**
   * An on-net call (to a number an app on this server answers): two legs back to back. The
   * callee's app answering `callee` answers the caller's leg, rejecting it makes the call busy or
   * rejected, and ringing past `timeoutMs` is no-answer (the callee's leg then hangs up, as it does
   * when `signal` aborts). What the runtime plays to either leg (speech, audio, DTMF) the other
   * side hears, in its input windows too; a hang-up on one side reaches the other. Absent: the
   * adapter cannot, and on-net calls go out through `originate`.
   */
  link?(request: OriginateRequest, signal: AbortSignal, onRinging?: () => void): LinkedCall;
  bridge(a: MediaLeg, b: MediaLeg, options?: BridgeOptions): Bridge;
  createMixer(name: string): Mixer;
  /** One end of a media path to another node (absent: the adapter cannot carry media between nodes). */
  trunkLeg?(request: TrunkLegRequest): TrunkLeg;
  /**
   * Opens one end of an RTP trunk to another node (docs/cluster.md, "Real media"); preferred to
   * `trunkLeg` when both nodes have it. `address` names the remote end for logs (`trunk:<node>/<call>`).
   */
  openTrunk?(request: { readonly address: string }): Promise<RtpTrunk>;
  close(): Promise<void>;
}
