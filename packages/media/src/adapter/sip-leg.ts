/**
 * One party of a SIP call as the runtime sees it (a `MediaLeg`): its signaling (an inbound
 * INVITE not yet answered, then a dialog) and its audio (an engine leg). Verbs become engine
 * work: Say and Play render through `Prompts` and play, digits and beeps are tones or RFC 4733
 * events, Record records what the party says. The party's hang-up (BYE, CANCEL, RTP gone silent
 * for good) ends the engine leg and is reported once as `hangup`.
 *
 * @example
 * const leg = new SipLeg(id, engineLeg, prompts, { incoming: call, answerSdp });
 * await leg.answer(); // 200 OK, retransmitted until the ACK
 */

import type { InputOptions, LegEvents, MediaLeg, RecordOptions, RecordResult, SayVoice } from '@patchbay/runtime';
import { EventEmitter } from 'eventemitter3';
import { encodeWav } from '../audio/index.js';
import type { EngineLeg } from '../engine/index.js';
import type { Dialog, IncomingCall } from '../sip/index.js';
import type { Prompts } from './prompts.js';

/** How the leg began: an INVITE we answer, or a dialog we placed. */
export type LegSignaling =
  | { readonly incoming: IncomingCall; readonly answerSdp: string }
  | { readonly dialog: Dialog };

export class SipLeg implements MediaLeg {
  readonly events = new EventEmitter<LegEvents>();
  private dialog: Dialog | undefined;
  private answering: Promise<void> | undefined;
  private over = false;
  /** While a Dial rings: its signal, and the ring tone's own (paused for the far end's early media). */
  private ringing: AbortSignal | undefined;
  private tone: AbortController | undefined;

  constructor(
    readonly id: string,
    readonly media: EngineLeg,
    private readonly prompts: Prompts,
    private readonly signaling: LegSignaling,
    private readonly onEnded: (leg: SipLeg) => void = () => undefined,
  ) {
    media.events.on('dtmf', (digit) => this.events.emit('dtmf', digit));
    media.events.on('rtpTimeout', () => void this.end(true));
    if ('dialog' in signaling) this.watch(signaling.dialog);
    else signaling.incoming.events.once('cancel', () => void this.end(true));
  }

  /** Whether the leg has ended (either side hung up). */
  get ended(): boolean {
    return this.over;
  }

  answer(): Promise<void> {
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

  async reject(reason: 'busy' | 'rejected'): Promise<void> {
    if ('incoming' in this.signaling && !this.dialog && !this.over) {
      this.signaling.incoming.reject(reason === 'busy' ? 486 : 603);
    }
    await this.end(false);
  }

  hangup(): Promise<void> {
    return this.end(false);
  }

  async say(text: string, voice: SayVoice, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    // The engine reads SSML where the app used it (break, prosody, say-as).
    await this.media.play(await this.prompts.speech(voice.ssml ?? text, voice, signal), signal);
  }

  async play(url: string, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    await this.media.play(await this.prompts.audio(url, signal), signal);
  }

  sendDigits(digits: string, signal: AbortSignal): Promise<void> {
    return this.media.sendDigits(digits, signal);
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
    void this.media.tone('ringback', AbortSignal.any([ringing, this.tone.signal])).catch(() => undefined);
  }

  beep(signal: AbortSignal): Promise<void> {
    return this.media.tone('beep', signal);
  }

  /** Digits are always heard (the engine reports them); no speech recognizer ships, so speech is never heard. */
  listen(_options: InputOptions): () => void {
    return () => undefined;
  }

  async record(options: RecordOptions, signal: AbortSignal): Promise<RecordResult> {
    const recorded = await this.media.record(options, signal);
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
  }

  /** Ends the leg once: BYE (or a final answer to an unanswered INVITE) unless the far end ended it. */
  private async end(byFarEnd: boolean): Promise<void> {
    if (this.over) return;
    this.over = true;
    if (!byFarEnd) {
      if (this.dialog && !this.dialog.closed) await this.dialog.bye().catch(() => undefined);
      else if ('incoming' in this.signaling && !this.dialog && !this.answering) this.signaling.incoming.reject(480);
    }
    await this.media.close().catch(() => undefined);
    this.onEnded(this);
    if (byFarEnd) this.events.emit('hangup');
  }
}
