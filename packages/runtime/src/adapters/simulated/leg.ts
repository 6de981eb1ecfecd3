/**
 * A leg on the simulated network: what the runtime plays to it lands in its party's transcript,
 * and the party's scripted inputs come back as DTMF and speech events, on the network's clock.
 */
import { EventEmitter } from 'eventemitter3';
import { type Clock, sleep } from '../../clock/clock.js';
import type { InputOptions, LegEvents, MediaLeg, RecordOptions, RecordResult } from '../../media/types.js';
import { silentWav } from '../../media/wav.js';
import type { Party } from './party.js';

/** How long simulated media takes. */
export interface Timing {
  readonly msPerWord: number;
  /** Length of any played audio file. */
  readonly audioMs: number;
  readonly beepMs: number;
  /** Per DTMF digit, pressed or played. */
  readonly digitMs: number;
  /** Default delay before a party answers a prompt. */
  readonly inputDelayMs: number;
}

export const REALISTIC_TIMING: Timing = { msPerWord: 300, audioMs: 3000, beepMs: 300, digitMs: 150, inputDelayMs: 500 };
export const INSTANT_TIMING: Timing = { msPerWord: 0, audioMs: 0, beepMs: 0, digitMs: 0, inputDelayMs: 0 };

const words = (text: string) => text.split(/\s+/).filter(Boolean).length;

export class SimulatedLeg implements MediaLeg {
  readonly events = new EventEmitter<LegEvents>();
  private ended = false;
  private readonly cancels = new Set<() => void>();

  constructor(
    readonly id: string,
    readonly party: Party,
    private readonly clock: Clock,
    private readonly timing: Timing,
  ) {}

  get active(): boolean {
    return !this.ended;
  }

  /** Runs `fn` after `ms` unless the leg ends first; returns the cancel function. */
  private later(ms: number, fn: () => void): () => void {
    const cancel = this.clock.setTimer(() => {
      this.cancels.delete(cancel);
      if (!this.ended) fn();
    }, ms);
    this.cancels.add(cancel);
    return () => {
      cancel();
      this.cancels.delete(cancel);
    };
  }

  /** The party answered (dialed legs) or the runtime answered (inbound legs). */
  connected(): void {
    const after = this.party.behaviour.hangupAfterMs;
    if (after !== undefined) this.later(after, () => this.remoteHangup());
  }

  async answer(): Promise<void> {
    if (this.ended) return;
    this.party.note({ type: 'answered' });
    this.connected();
  }

  async reject(reason: 'busy' | 'rejected'): Promise<void> {
    if (this.ended) return;
    this.party.note({ type: reason });
    this.end();
  }

  async hangup(): Promise<void> {
    if (this.ended) return;
    this.party.note({ type: 'disconnected' });
    this.end();
  }

  /** The party hangs up. */
  remoteHangup(): void {
    if (this.ended) return;
    this.party.note({ type: 'hung-up' });
    this.end();
    this.events.emit('hangup');
  }

  /** Told once when the leg ends, however it ends (the network lets go of it then). */
  onEnded: (() => void) | undefined;

  protected end(): void {
    if (!this.ended) this.onEnded?.();
    this.ended = true;
    for (const cancel of this.cancels) cancel();
    this.cancels.clear();
  }

  async say(text: string, voice: { voice: string; language: string }, signal: AbortSignal): Promise<void> {
    this.party.note({ type: 'heard-speech', text, ...voice });
    await sleep(this.clock, words(text) * this.timing.msPerWord, signal);
  }

  async play(url: string, signal: AbortSignal): Promise<void> {
    this.party.note({ type: 'heard-audio', url });
    await sleep(this.clock, this.timing.audioMs, signal);
  }

  async sendDigits(digits: string, signal: AbortSignal): Promise<void> {
    this.party.note({ type: 'heard-digits', digits });
    const pauses = [...digits].filter((d) => d === 'w' || d === 'W').length;
    await sleep(this.clock, (digits.length - pauses) * this.timing.digitMs + pauses * 500, signal);
  }

  async beep(signal: AbortSignal): Promise<void> {
    this.party.note({ type: 'heard-beep' });
    await sleep(this.clock, this.timing.beepMs, signal);
  }

  listen(options: InputOptions): () => void {
    const input = this.party.takeInput();
    const cancels: Array<() => void> = [];
    if (input && !('silence' in input)) {
      const delay = input.afterMs ?? this.timing.inputDelayMs;
      if ('hangup' in input) cancels.push(this.later(delay, () => this.remoteHangup()));
      else if ('digits' in input) cancels.push(this.later(delay, () => this.pressKeys(input.digits, cancels)));
      else {
        cancels.push(
          this.later(delay, () => {
            this.party.note({ type: 'said', text: input.speech });
            if (!options.speech) return;
            this.events.emit('speechStart');
            const spoken = input.speech.split(/\s+/).filter(Boolean);
            if (options.speech.partialResults) {
              spoken.forEach((_, index) => {
                const heard = { stable: spoken.slice(0, index).join(' '), unstable: spoken[index] ?? '' };
                const at = (index + 1) * this.timing.msPerWord - 1;
                cancels.push(this.later(at, () => this.events.emit('speechPartial', heard)));
              });
            }
            const result = { transcript: input.speech, confidence: input.confidence ?? 0.9 };
            const done = spoken.length * this.timing.msPerWord;
            cancels.push(this.later(done, () => this.events.emit('speech', result)));
          }),
        );
      }
    }
    return () => {
      for (const cancel of cancels) cancel();
    };
  }

  /** Presses digits one after another, `digitMs` apart. */
  protected pressKeys(digits: string, cancels: Array<() => void>): void {
    this.party.note({ type: 'pressed', digits });
    [...digits].forEach((digit, index) => {
      cancels.push(this.later(index * this.timing.digitMs, () => this.events.emit('dtmf', digit)));
    });
  }

  record(options: RecordOptions, signal: AbortSignal): Promise<RecordResult> {
    const started = this.clock.now();
    const input = this.party.takeInput();
    const speaksFor = this.party.behaviour.speaksForMs ?? 3000;
    return new Promise<RecordResult>((resolve, reject) => {
      const cancels: Array<() => void> = [];
      const finish = (endedBy: RecordResult['endedBy'], key?: string) => {
        for (const cancel of cancels) cancel();
        signal.removeEventListener('abort', onAbort);
        this.events.off('hangup', onHangup);
        this.events.off('dtmf', onKey);
        const elapsed = this.clock.now() - started;
        const durationMs = endedBy === 'silence' && options.trimSilence ? Math.min(elapsed, speaksFor) : elapsed;
        this.party.note({ type: 'recorded', durationMs });
        resolve({ audio: silentWav(durationMs), durationMs, endedBy, ...(key === undefined ? {} : { key }) });
      };
      const onAbort = () => {
        for (const cancel of cancels) cancel();
        this.events.off('hangup', onHangup);
        this.events.off('dtmf', onKey);
        reject(signal.reason);
      };
      const onHangup = () => finish('hangup');
      // Keys that arrive as events (a device's signaling) end the recording as scripted ones do.
      const onKey = (digit: string) => {
        if (options.finishOnKey.includes(digit)) finish('key', digit);
      };
      this.events.on('dtmf', onKey);
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      this.events.once('hangup', onHangup);
      cancels.push(this.later(options.maxLengthMs, () => finish('max-length')));
      if (input && 'digits' in input) {
        cancels.push(
          this.later(input.afterMs ?? speaksFor, () => {
            this.party.note({ type: 'pressed', digits: input.digits });
            const key = [...input.digits].find((digit) => options.finishOnKey.includes(digit));
            if (key !== undefined) finish('key', key);
          }),
        );
      } else if (input && 'hangup' in input) {
        cancels.push(this.later(input.afterMs ?? speaksFor, () => this.remoteHangup()));
      }
      if (!input || !('hangup' in input)) {
        cancels.push(this.later(speaksFor + options.silenceTimeoutMs, () => finish('silence')));
      }
    });
  }
}
