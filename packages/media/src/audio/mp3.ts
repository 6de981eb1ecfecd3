/**
 * MP3 (MPEG-1/2 layer I-III) decoding with mpg123 compiled to WebAssembly (`mpg123-decoder`,
 * LGPL-2.1, loaded on first use so a server that never plays MP3 never compiles it). The file is
 * fed in small pieces and each decoded piece goes straight to mono and through the streaming
 * resampler (PhoneSink), so a long file never sits in memory at 44.1 kHz stereo float, and the
 * event loop gets a turn between pieces.
 *
 * @example
 * const phone = await decodeMp3ToPhone(bytes, { maxSamples: 8000 * 600, signal });
 */
import { AudioFormatError } from './errors.js';
import { toMono } from './pcm.js';
import { type PhoneOptions, PhoneSink, yieldToEventLoop } from './phone-sink.js';

/** About a second of audio at 128 kbit/s: ~40 ms of work between turns of the event loop. */
const PIECE_BYTES = 16 * 1024;

type Decoder = {
  ready: Promise<void>;
  decode(data: Uint8Array): { channelData: Float32Array[]; samplesDecoded: number; sampleRate: number };
  free(): void;
};

let loading: Promise<new () => Decoder> | undefined;

async function decoderClass(): Promise<new () => Decoder> {
  loading ??= import('mpg123-decoder').then((module) => module.MPEGDecoder as unknown as new () => Decoder);
  return loading;
}

/** Decodes an MP3 file to 8 kHz mono Int16; throws AudioFormatError when it holds no audio or too much. */
export async function decodeMp3ToPhone(bytes: Uint8Array, options: PhoneOptions = {}): Promise<Int16Array> {
  const Decoder = await decoderClass();
  const decoder = new Decoder();
  await decoder.ready;
  try {
    const sink = new PhoneSink(options, 'mp3');
    for (let at = 0; at < bytes.length; at += PIECE_BYTES) {
      if (at > 0) await yieldToEventLoop(options.signal);
      const decoded = decoder.decode(bytes.subarray(at, at + PIECE_BYTES));
      if (decoded.samplesDecoded === 0) continue;
      const channels = decoded.channelData.map((channel) => channel.subarray(0, decoded.samplesDecoded));
      sink.push(toMono(channels), decoded.sampleRate);
    }
    if (!sink.started) throw new AudioFormatError('audio-malformed', 'no MPEG audio frames', 'mp3');
    return sink.finish();
  } finally {
    decoder.free();
  }
}
