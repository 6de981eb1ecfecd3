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

import type { InputOptions, LegEvents, MediaLeg, RecordOptions, RecordResult, SayVoice } from '@patchbay/runtime';
import { EventEmitter } from 'eventemitter3';
import { encodeWav } from '../audio/index.js';
import type { EngineLeg } from '../engine/index.js';
import type { Dialog, IncomingCall } from '../sip/index.js';
import type { Prompts } from './prompts.js';
import { answerReoffer } from './reinvite.js';

/** How the leg began: an INVITE we answer, or a dialog we placed (with the offer we made). */
export type LegSignaling =
  | { readonly incoming: IncomingCall; readonly answerSdp: string }
  | { readonly dialog: Dialog; readonly offerSdp: string };

/** The final answer to an INVITE the runtime declines. */
const REJECTIONS = { busy: 486, rejected: 603, 'not-found': 404 } as const;

export class SipLeg implements MediaLeg {
  readonly events = new EventEmitter<LegEvents>();
  private dialog: Dialog | undefined;
  private answering: Promise<void> | undefined;
  private over = false;
  /** Our side of the session as last agreed: the SDP a re-INVITE's answer starts from. */
  private localSdp: string;

  constructor(
    readonly id: string,
    readonly media: EngineLeg,
    private readonly prompts: Prompts,
    private readonly signaling: LegSignaling,
    private readonly onEnded: (leg: SipLeg) => void = () => undefined,
  ) {
    this.localSdp = 'dialog' in signaling ? signaling.offerSdp : signaling.answerSdp;
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

  async reject(reason: 'busy' | 'rejected' | 'not-found'): Promise<void> {
    if ('incoming' in this.signaling && !this.dialog && !this.over) {
      this.signaling.incoming.reject(REJECTIONS[reason]);
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

  /** A ring tone until `signal` aborts; before the answer, as early media (183 with the answer's SDP). */
  ringback(signal: AbortSignal): Promise<void> {
    if ('incoming' in this.signaling && !this.dialog && !this.answering) {
      this.signaling.incoming.ring(this.signaling.answerSdp);
    }
    return this.media.tone('ringback', signal);
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
    // Hold, resume, a moved RTP address: answer the new offer and send (or not) where it says.
    // A re-INVITE without an offer gets our current session as the offer.
    dialog.events.on('reinvite', (offer, respond) => {
      const next = offer === undefined || this.over ? undefined : answerReoffer(offer, this.localSdp);
      if (next) {
        this.localSdp = next.sdp;
        this.media.configure(next.media);
      }
      respond(this.localSdp);
    });
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
