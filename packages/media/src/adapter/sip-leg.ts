/**
 * One party of a SIP call as the runtime sees it (a `MediaLeg`): its signaling (an inbound
 * INVITE not yet answered, then a dialog) and its audio (an engine leg). Verbs become engine
 * work: Say and Play render through `Prompts` and play, digits and beeps are tones or RFC 4733
 * events, Record records what the party says. The party's hang-up (BYE, CANCEL, RTP gone silent
 * for good) ends the engine leg and is reported once as `hangup`. A re-INVITE from the far end
 * (hold, resume) is answered from the new offer and the engine leg follows it.
 *
 * @example
 * const leg = new SipLeg(id, engineLeg, prompts, { incoming: call, answerSdp });
 * await leg.answer(); // 200 OK, retransmitted until the ACK
 */

import type {
  HangupCause,
  InputOptions,
  LegEvents,
  MediaLeg,
  RecordOptions,
  RecordResult,
  SayVoice,
} from '@patchbay/runtime';
import { EventEmitter } from 'eventemitter3';
import { encodeWav } from '../audio/index.js';
import { EngineError, type EngineLeg } from '../engine/index.js';
import type { Dialog, IncomingCall } from '../sip/index.js';
import type { Prompts } from './prompts.js';
import { answerReoffer } from './reinvite.js';

/** The other side of an on-net call (link.ts): what this leg's answer, rejection and hang-up tell it. */
/** The final answer to an INVITE the runtime declines. */
const REJECTIONS = { busy: 486, rejected: 603, 'not-found': 404 } as const;

export interface LinkedSide {
  answered(): void;
  rejected(reason: 'busy' | 'rejected'): void;
  hungUp(): void;
}

/** How the leg began: an INVITE we answer, a dialog we placed, or one side of an on-net call. */
export type LegSignaling =
  | { readonly incoming: IncomingCall; readonly answerSdp: string }
  | { readonly dialog: Dialog; readonly offerSdp: string }
  | { readonly linked: LinkedSide };

export class SipLeg implements MediaLeg {
  readonly events = new EventEmitter<LegEvents>();
  private dialog: Dialog | undefined;
  private answering: Promise<void> | undefined;
  private over = false;
  /** Our side of the session as last agreed: the SDP a re-INVITE's answer starts from. */
  private agreedSdp: string;
  /** While a Dial rings: its signal, and the ring tone's own (paused for the far end's early media). */
  private ringing: AbortSignal | undefined;
  private tone: AbortController | undefined;

  private engineLeg: EngineLeg | undefined;
  /** The engine leg, once open: an on-net leg is handed to the runtime before its ports are. */
  private readonly opened: Promise<EngineLeg>;

  constructor(
    readonly id: string,
    media: EngineLeg | Promise<EngineLeg>,
    private readonly prompts: Prompts,
    private readonly signaling: LegSignaling,
    private readonly onEnded: (leg: SipLeg) => void = () => undefined,
  ) {
    this.agreedSdp = 'dialog' in signaling ? signaling.offerSdp : 'incoming' in signaling ? signaling.answerSdp : '';
    // An engine leg already open is usable at once (re-INVITEs, bridges); an on-net one once it opens.
    if (!(media instanceof Promise)) this.engineLeg = media;
    this.opened = Promise.resolve(media);
    this.opened.then(
      (engineLeg) => {
        this.engineLeg = engineLeg;
        engineLeg.events.on('dtmf', (digit) => this.events.emit('dtmf', digit));
        engineLeg.events.on('rtpTimeout', () => void this.end(true, 'media-timeout'));
        if (this.over) void engineLeg.close().catch(() => undefined);
      },
      () => void this.end(true),
    );
    if ('dialog' in signaling) this.watch(signaling.dialog);
    else if ('incoming' in signaling) signaling.incoming.events.once('cancel', () => void this.end(true));
  }

  /** The engine leg, for bridges and conferences (open by then: a leg is bridged after its answer). */
  get media(): EngineLeg {
    if (!this.engineLeg)
      throw new EngineError('leg-closed', 'the leg has no media (not open yet, or failed to open)', this.id);
    return this.engineLeg;
  }

  /** The far end hung up (the other side of an on-net call). */
  farEndHungUp(): Promise<void> {
    return this.end(true);
  }

  /** Whether the leg has ended (either side hung up). */
  get ended(): boolean {
    return this.over;
  }

  answer(): Promise<void> {
    if ('linked' in this.signaling) {
      if (!this.over) this.signaling.linked.answered();
      // A leg whose ports failed to open has ended itself (hangup): nothing to answer.
      return this.opened.then(
        () => undefined,
        () => undefined,
      );
    }
    if ('dialog' in this.signaling || this.over) return Promise.resolve();
    const { incoming, answerSdp } = this.signaling;
    this.answering ??= incoming.answer(answerSdp).then(
      (dialog) => {
        this.watch(dialog);
        if (this.over) void dialog.bye().catch(() => undefined);
      },
      () => void this.end(true),
    );
    return this.answering;
  }

  async reject(reason: 'busy' | 'rejected' | 'not-found'): Promise<void> {
    if ('incoming' in this.signaling && !this.dialog && !this.over) {
      this.signaling.incoming.reject(REJECTIONS[reason]);
    }
    if ('linked' in this.signaling && !this.over)
      this.signaling.linked.rejected(reason === 'not-found' ? 'rejected' : reason);
    await this.end(false);
  }

  hangup(): Promise<void> {
    return this.end(false);
  }

  async say(text: string, voice: SayVoice, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    // The engine reads SSML where the app used it (break, prosody, say-as).
    const pcm = await this.prompts.speech(voice.ssml ?? text, voice, signal);
    await (await this.opened).play(pcm, signal);
  }

  async play(url: string, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    const pcm = await this.prompts.audio(url, signal);
    await (await this.opened).play(pcm, signal);
  }

  async sendDigits(digits: string, signal: AbortSignal): Promise<void> {
    await (await this.opened).sendDigits(digits, signal);
  }

  /**
   * A ring tone until `signal` aborts; before the answer, as early media (183 with the answer's
   * SDP). The tone pauses while the dialed far end's own early media is heard (`hearEarly`).
   */
  async ringback(signal: AbortSignal): Promise<void> {
    if ('incoming' in this.signaling && !this.dialog && !this.answering) {
      this.signaling.incoming.ring(this.signaling.answerSdp);
    }
    this.ringing = signal;
    this.ringTone();
    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      else signal.addEventListener('abort', () => resolve(), { once: true });
    });
    signal.throwIfAborted();
  }

  /** Stops the ring tone while the far end's early media is heard (`true`), or brings it back. */
  hearEarly(early: boolean): void {
    if (early) {
      this.tone?.abort(new Error('early media'));
      this.tone = undefined;
    } else if (!this.tone) {
      this.ringTone();
    }
  }

  private ringTone(): void {
    const ringing = this.ringing;
    if (!ringing || ringing.aborted || this.over) return;
    this.tone = new AbortController();
    const tone = AbortSignal.any([ringing, this.tone.signal]);
    void this.opened.then((media) => media.tone('ringback', tone)).catch(() => undefined);
  }

  async beep(signal: AbortSignal): Promise<void> {
    await (await this.opened).tone('beep', signal);
  }

  /** Digits are always heard (the engine reports them); no speech recognizer ships, so speech is never heard. */
  listen(_options: InputOptions): () => void {
    return () => undefined;
  }

  async record(options: RecordOptions, signal: AbortSignal): Promise<RecordResult> {
    const recorded = await (await this.opened).record(options, signal);
    return {
      audio: encodeWav([recorded.pcm], 8000),
      durationMs: recorded.durationMs,
      endedBy: recorded.endedBy,
      ...(recorded.key === undefined ? {} : { key: recorded.key }),
    };
  }

  private watch(dialog: Dialog): void {
    this.dialog = dialog;
    dialog.events.once('closed', (reason) => void this.end(reason !== 'bye'));
    // Hold, resume, a moved RTP address: answer the new offer and send (or not) where it says.
    // A re-INVITE without an offer gets our current session as the offer.
    // An offer we cannot take is refused (488) and the call keeps its session.
    dialog.events.on('reinvite', (offer, respond) => {
      if (offer === undefined || this.over) return respond(this.agreedSdp);
      const next = answerReoffer(offer, this.agreedSdp);
      if ('warning' in next) return respond(next);
      this.agreedSdp = next.sdp;
      this.engineLeg?.configure(next.media);
      respond(this.agreedSdp);
    });
  }

  /**
   * Ends the leg once: BYE (or a final answer to an unanswered INVITE) unless the far end ended it.
   * A leg whose RTP stopped arriving ends as by the far end, with `media-timeout`.
   */
  private async end(byFarEnd: boolean, cause?: HangupCause): Promise<void> {
    if (this.over) return;
    this.over = true;
    // A far end gone silent may still be there (its media lost on the way): tell it, without
    // waiting out the BYE's timeout when it is not.
    if (cause === 'media-timeout' && this.dialog && !this.dialog.closed) void this.dialog.bye().catch(() => undefined);
    if (!byFarEnd) {
      if (this.dialog && !this.dialog.closed) await this.dialog.bye().catch(() => undefined);
      else if ('incoming' in this.signaling && !this.dialog && !this.answering) this.signaling.incoming.reject(480);
      else if ('linked' in this.signaling) this.signaling.linked.hungUp();
    }
    await this.engineLeg?.close().catch(() => undefined);
    this.onEnded(this);
    if (byFarEnd) this.events.emit('hangup', cause);
  }
}
