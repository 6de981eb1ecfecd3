/**
 * MP3 (MPEG-1/2 layer I-III) decoding with mpg123 compiled to WebAssembly (`mpg123-decoder`,
 * LGPL-2.1, loaded on first use so a server that never plays MP3 never compiles it). The file is
 * fed in pieces and each decoded piece goes straight to mono and through a streaming resampler,
 * so a long file never sits in memory at 44.1 kHz stereo float; `maxSamples` bounds the output.
 *
 * @example
 * const phone = await decodeMp3ToPhone(bytes, { maxSamples: 8000 * 600 });
 */
import { AudioFormatError } from './errors.js';
import { PHONE_RATE, toInt16, toMono } from './pcm.js';
import { Resampler } from './resample.js';

const PIECE_BYTES = 64 * 1024;

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
export async function decodeMp3ToPhone(bytes: Uint8Array, options: { maxSamples: number }): Promise<Int16Array> {
  const Decoder = await decoderClass();
  const decoder = new Decoder();
  await decoder.ready;
  try {
    const pieces: Int16Array[] = [];
    let total = 0;
    let resampler: Resampler | undefined;
    const take = (pcm: Float32Array) => {
      const piece = toInt16(pcm);
      total += piece.length;
      if (total > options.maxSamples)
        throw new AudioFormatError('audio-too-long', `more than ${options.maxSamples / PHONE_RATE} s of audio`, 'mp3');
      if (piece.length > 0) pieces.push(piece);
    };
    for (let at = 0; at < bytes.length; at += PIECE_BYTES) {
      const decoded = decoder.decode(bytes.subarray(at, at + PIECE_BYTES));
      if (decoded.samplesDecoded === 0) continue;
      if (resampler && resampler.fromRate !== decoded.sampleRate)
        throw new AudioFormatError('audio-unsupported', 'the sample rate changes mid-file', 'mp3');
      resampler ??= new Resampler(decoded.sampleRate, PHONE_RATE);
      take(resampler.push(toMono(decoded.channelData.map((channel) => channel.subarray(0, decoded.samplesDecoded)))));
    }
    if (!resampler) throw new AudioFormatError('audio-malformed', 'no MPEG audio frames', 'mp3');
    take(resampler.flush());
    const out = new Int16Array(total);
    let offset = 0;
    for (const piece of pieces) {
      out.set(piece, offset);
      offset += piece.length;
    }
    return out;
  } finally {
    decoder.free();
  }
}
