/**
 * The `volume` event's numbers: how loud the microphone and the far end are, 0 to 1, as the
 * hosted browser SDK reports them (a share of the range from -100 dB to -30 dB of full scale).
 * An AnalyserNode on each stream is read every `intervalMs`; the audio context is closed when
 * the meter stops, so a finished call holds no audio resources.
 *
 * @example
 * const meter = new VolumeMeter((input, output) => call.emit('volume', input, output));
 * meter.setInput(localStream); meter.setOutput(remoteStream);
 * meter.stop();
 */
import { type Analyser, type AudioContextLike, browser, type Stream } from './dom.js';

/** The quietest and loudest levels the scale spans, in dB of full scale. */
const FLOOR_DB = -100;
const CEILING_DB = -30;

/** The volume (0..1) of a block of samples (-1..1): its RMS in dB, placed between -100 and -30 dB. */
export function volumeOf(samples: Float32Array): number {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (const sample of samples) sum += sample * sample;
  const rms = Math.sqrt(sum / samples.length);
  if (rms === 0) return 0;
  const db = 20 * Math.log10(rms);
  return Math.min(1, Math.max(0, (db - FLOOR_DB) / (CEILING_DB - FLOOR_DB)));
}

interface Tap {
  readonly stream: Stream;
  readonly source: { disconnect(): void };
  readonly analyser: Analyser;
}

export class VolumeMeter {
  private readonly context: AudioContextLike | undefined;
  private readonly taps: { input?: Tap; output?: Tap } = {};
  private readonly buffer: Float32Array;
  private readonly timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    onVolume: (input: number, output: number) => void,
    /** @default 50 (the hosted SDK's rate) */
    intervalMs = 50,
  ) {
    const Context = browser().AudioContext;
    this.context = Context ? new Context() : undefined;
    void this.context?.resume?.().catch(() => undefined);
    this.buffer = new Float32Array(1024);
    if (this.context)
      this.timer = setInterval(() => onVolume(this.read(this.taps.input), this.read(this.taps.output)), intervalMs);
  }

  /** Meters the microphone's stream (again after the microphone changed). */
  setInput(stream: Stream): void {
    this.tap('input', stream);
  }

  /** Meters the far end's stream. */
  setOutput(stream: Stream): void {
    this.tap('output', stream);
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    for (const tap of Object.values(this.taps)) tap?.source.disconnect();
    void this.context?.close().catch(() => undefined);
  }

  private tap(which: 'input' | 'output', stream: Stream): void {
    if (!this.context || stream.getAudioTracks().length === 0) return;
    this.taps[which]?.source.disconnect();
    const analyser = this.context.createAnalyser();
    analyser.fftSize = this.buffer.length;
    const source = this.context.createMediaStreamSource(stream);
    source.connect(analyser);
    this.taps[which] = { stream, source, analyser };
  }

  private read(tap: Tap | undefined): number {
    if (!tap) return 0;
    tap.analyser.getFloatTimeDomainData(this.buffer);
    return volumeOf(this.buffer);
  }
}
