/**
 * Say through Debian's espeak-ng, run as a separate process for each prompt (it is GPL: never
 * linked or bundled). The text goes in on stdin as SSML (`-m`, see ssml.ts), the WAV comes back
 * on stdout (22.05 kHz) and is resampled to 8 kHz. Bounded: the text length, the process time
 * (killed past `timeoutMs`) and the output size; aborting kills the process. Measured: 6 s of
 * speech in ~75 ms wall on this class of machine (bench/prompts.mjs).
 *
 * @example
 * const tts = new EspeakTts();
 * const audio = await tts.synthesize('Hello', { voice: 'woman', language: 'en-GB' }, signal);
 */
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { AudioFormatError } from '../audio/errors.js';
import { toMono } from '../audio/pcm.js';
import { pcmToPhone } from '../audio/phone-sink.js';
import { Slots } from '../audio/slots.js';
import { type DecodedAudio, decodeWav } from '../audio/wav-decode.js';
import { TtsError } from './errors.js';
import { toEspeakSsml } from './ssml.js';
import type { SayVoice, TextToSpeech, TtsCheck } from './types.js';
import { espeakVoice } from './voices.js';

export interface EspeakOptions {
  /** The espeak-ng binary. @default 'espeak-ng' */
  readonly command?: string;
  /** Longest text accepted, in characters (the hosted Say limit). @default 4096 */
  readonly maxTextLength?: number;
  /** Longest a rendering may take before the process is killed. @default 10000 */
  readonly timeoutMs?: number;
  /** Largest WAV accepted from the process, in bytes (~6 minutes of speech). @default 16 MiB */
  readonly maxOutputBytes?: number;
  /** Speaking rate in words per minute. @default 165 */
  readonly wordsPerMinute?: number;
  /** espeak-ng processes running at once; more renders wait their turn. @default the number of cores */
  readonly maxProcesses?: number;
}

const STDERR_BYTES = 2048;

interface Run {
  readonly code: number | null;
  readonly stdout: Buffer;
  readonly stderr: string;
}

export class EspeakTts implements TextToSpeech {
  readonly name = 'espeak-ng';
  private readonly command: string;
  private readonly maxTextLength: number;
  private readonly timeoutMs: number;
  private readonly maxOutputBytes: number;
  private readonly wordsPerMinute: number;
  private readonly slots: Slots;

  constructor(options: EspeakOptions = {}) {
    this.command = options.command ?? 'espeak-ng';
    this.maxTextLength = options.maxTextLength ?? 4096;
    this.timeoutMs = options.timeoutMs ?? 10000;
    this.maxOutputBytes = options.maxOutputBytes ?? 16 * 1024 * 1024;
    this.wordsPerMinute = options.wordsPerMinute ?? 165;
    this.slots = new Slots(options.maxProcesses ?? availableParallelism());
  }

  async check(): Promise<TtsCheck> {
    try {
      const run = await this.run(['--version'], '', AbortSignal.timeout(5000));
      if (run.code === 0) return { ok: true };
      return { ok: false, reason: `${this.command} --version exited with ${run.code}: ${run.stderr}` };
    } catch (error) {
      return { ok: false, reason: error instanceof Error ? error.message : String(error) };
    }
  }

  async synthesize(text: string, voice: SayVoice, signal: AbortSignal): Promise<Int16Array> {
    if (signal.aborted) throw signal.reason;
    if (text.length > this.maxTextLength)
      throw new TtsError('tts-text-too-long', `${text.length} characters (at most ${this.maxTextLength})`, 'espeak-ng');
    const args = ['-m', '--stdin', '--stdout', '-v', espeakVoice(voice).name, '-s', String(this.wordsPerMinute)];
    const release = await this.slots.acquire(signal);
    let run: Run;
    try {
      run = await this.run(args, toEspeakSsml(text), signal);
    } finally {
      release();
    }
    if (run.code !== 0) throw new TtsError('tts-failed', `exited with ${run.code}: ${run.stderr}`, 'espeak-ng');
    let decoded: DecodedAudio;
    try {
      decoded = decodeWav(new Uint8Array(run.stdout.buffer, run.stdout.byteOffset, run.stdout.length));
    } catch (error) {
      if (error instanceof AudioFormatError && error.code === 'audio-empty') return new Int16Array(0);
      throw new TtsError('tts-failed', 'its output is not a WAV file', 'espeak-ng', { cause: error });
    }
    return pcmToPhone(toMono(decoded.pcm), decoded.sampleRate, { signal, maxSamples: Number.POSITIVE_INFINITY });
  }

  /** Runs the engine to completion (killing it on abort, timeout or oversize output). */
  private run(args: string[], input: string, signal: AbortSignal): Promise<Run> {
    return new Promise<Run>((resolve, reject) => {
      const child = spawn(this.command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
      const stdout: Buffer[] = [];
      let size = 0;
      let stderr = '';
      let failure: unknown;
      const stop = (reason: unknown) => {
        failure ??= reason;
        child.kill('SIGKILL');
      };
      const timer = setTimeout(
        () => stop(new TtsError('tts-timeout', `no result within ${this.timeoutMs} ms`, 'espeak-ng')),
        this.timeoutMs,
      );
      const onAbort = () => stop(signal.reason);
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
      child.stdout.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > this.maxOutputBytes)
          return stop(new TtsError('tts-failed', `more than ${this.maxOutputBytes} bytes of audio`, 'espeak-ng'));
        stdout.push(chunk);
      });
      child.stderr.on('data', (chunk: Buffer) => {
        if (stderr.length < STDERR_BYTES) stderr += chunk.toString('utf8').slice(0, STDERR_BYTES - stderr.length);
      });
      child.stdin.on('error', () => undefined); // the process may exit before reading its input
      child.stdin.end(input);
      child.on('error', (error: NodeJS.ErrnoException) => {
        const unavailable = error.code === 'ENOENT' || error.code === 'EACCES';
        failure ??= unavailable
          ? new TtsError('tts-unavailable', `cannot run ${this.command} (${error.code})`, 'espeak-ng', { cause: error })
          : new TtsError('tts-failed', error.message, 'espeak-ng', { cause: error });
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        if (failure !== undefined) reject(failure);
        else resolve({ code, stdout: Buffer.concat(stdout, size), stderr: stderr.trim() });
      });
    });
  }
}
