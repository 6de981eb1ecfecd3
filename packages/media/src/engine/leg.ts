/**
 * `EngineLeg`: the main thread's handle on one RTP leg living in a media worker. Every method
 * is a typed message to that worker; long operations resolve when the worker reports them done
 * and reject with `signal.reason` when aborted. PCM handed to `play` is copied once and the copy
 * transferred, so callers may keep reusing their (cached) prompts.
 *
 * @example
 * const leg = await engine.openLeg();
 * leg.configure(media);
 * await leg.play(prompt, signal);
 * leg.events.on('dtmf', (digit) => ...);
 */
import { EventEmitter } from 'eventemitter3';
import type { NegotiatedMedia } from '../sdp/types.js';
import { BEEP, RINGBACK, type ToneSpec } from './dsp/tone.js';
import { EngineError } from './errors.js';
import { readLegStats } from './leg-stats.js';
import type { LegStats, RecordRequest, RecordResult } from './messages.js';
import type { WorkerHandle } from './worker-handle.js';

export interface EngineLegEvents {
  dtmf: (digit: string, source: 'rfc4733' | 'inband') => void;
  voiceStart: () => void;
  voiceEnd: () => void;
  rtpTimeout: () => void;
}

export type ToneName = 'beep' | 'ringback' | { frequencies: number[]; onMs: number; offMs?: number; loop?: boolean };

/** An external leg's RTP, both ways, for the transport that carries it (see `openLeg({ external })`). */
export interface LegPipe {
  /** Hands the leg one plain RTP packet from the far end. */
  receive(packet: Uint8Array): void;
  /** Called with every RTP packet the leg sends to the far end. */
  onSend(listener: (packet: Uint8Array) => void): void;
}

export interface EngineLeg {
  readonly id: string;
  /** Present on an external leg: its packets go through the transport that holds this, not UDP. */
  readonly pipe?: LegPipe | undefined;
  readonly localAddress: string;
  readonly localPort: number;
  readonly events: EventEmitter<EngineLegEvents>;
  configure(media: NegotiatedMedia): void;
  play(pcm: Int16Array, signal: AbortSignal): Promise<void>;
  tone(tone: ToneName, signal: AbortSignal): Promise<void>;
  sendDigits(digits: string, signal: AbortSignal): Promise<void>;
  record(options: RecordRequest, signal: AbortSignal): Promise<RecordResult>;
  /** Counters as of the last frame (read from shared memory: no round trip). */
  stats(): LegStats;
  close(): Promise<void>;
}

function toneSpec(tone: ToneName): ToneSpec {
  if (tone === 'beep') return BEEP;
  if (tone === 'ringback') return RINGBACK;
  if (
    !Array.isArray(tone.frequencies) ||
    tone.frequencies.length === 0 ||
    tone.frequencies.length > 4 ||
    !(tone.onMs > 0)
  ) {
    throw new EngineError('invalid-options', 'a tone needs 1 to 4 frequencies and onMs > 0', 'tone');
  }
  return { frequencies: tone.frequencies, onMs: tone.onMs, offMs: tone.offMs ?? 0, loop: tone.loop ?? false };
}

export class Leg implements EngineLeg {
  readonly events = new EventEmitter<EngineLegEvents>();
  #closed: Promise<void> | undefined;

  constructor(
    readonly id: string,
    readonly localAddress: string,
    readonly localPort: number,
    readonly worker: WorkerHandle,
    readonly onClose: (leg: Leg) => void,
    shared: SharedArrayBuffer,
    readonly pipe?: LegPipe,
  ) {
    this.#stats = new Float64Array(shared);
  }

  readonly #stats: Float64Array;

  get closed(): boolean {
    return this.#closed !== undefined;
  }

  #check(): void {
    if (this.#closed) throw new EngineError('leg-closed', 'the leg is closed', this.id);
  }

  configure(media: NegotiatedMedia): void {
    this.#check();
    this.worker.send({ t: 'configure', leg: this.id, media });
  }

  async play(pcm: Int16Array, signal: AbortSignal): Promise<void> {
    this.#check();
    const copy = pcm.slice();
    await this.worker.operation((op) => ({ t: 'play', op, leg: this.id, pcm: copy }), signal, [copy.buffer]);
  }

  async tone(tone: ToneName, signal: AbortSignal): Promise<void> {
    this.#check();
    const spec = toneSpec(tone);
    await this.worker.operation((op) => ({ t: 'tone', op, leg: this.id, spec }), signal);
  }

  async sendDigits(digits: string, signal: AbortSignal): Promise<void> {
    this.#check();
    await this.worker.operation((op) => ({ t: 'digits', op, leg: this.id, digits }), signal);
  }

  async record(options: RecordRequest, signal: AbortSignal): Promise<RecordResult> {
    this.#check();
    const result = await this.worker.operation<RecordResult | undefined>(
      (op) => ({ t: 'record', op, leg: this.id, options }),
      signal,
    );
    return result ?? { pcm: new Int16Array(0), durationMs: 0, endedBy: 'hangup' };
  }

  stats(): LegStats {
    return readLegStats(this.#stats);
  }

  /** Frees the ports; a recording in progress ends with `hangup`, plays resolve. Idempotent. */
  close(): Promise<void> {
    this.#closed ??= this.worker
      .request({ t: 'closeLeg', id: this.worker.nextId(), leg: this.id })
      .catch(() => {})
      .then(() => {
        this.onClose(this);
        this.events.removeAllListeners();
      });
    return this.#closed;
  }
}
