/**
 * Tone files for the test phones' audio sources and the reader for what they recorded.
 *
 * baresip's aufile ends the call when its file ends, so sources are long files of one tone (or
 * silence); its sndfile module writes 16-bit PCM WAV through libsndfile, whose header sizes are
 * only final once the call ends, so the reader accepts a data chunk still being written.
 *
 * @example
 * await writeFile('a.wav', toneWav(600, 60));
 * const { pcm } = await readWav(`${dir}/dump-...-dec.wav`);
 */
import { open } from 'node:fs/promises';
import { WavError } from './errors.js';

/** Largest recording readWav accepts: an hour of 8 kHz mono is 57.6 MB. */
export const MAX_WAV_BYTES = 64 * 1024 * 1024;

/** Peak amplitude of a single tone (half of full scale: clear of G.711's clipping). */
const SINGLE_PEAK = 0.5;
/** Peak amplitude shared by the components of a multi-tone (DTMF: each 0.35, about -9 dBFS). */
const MULTI_PEAK = 0.7;

/** Samples of a sum of sines (or silence for no frequencies), as 16-bit PCM. */
export function tonePcm(frequency: number | number[], seconds: number, sampleRate = 8000): Int16Array {
  const freqs = (Array.isArray(frequency) ? frequency : [frequency]).filter((f) => f > 0);
  const n = Math.max(0, Math.round(seconds * sampleRate));
  const pcm = new Int16Array(n);
  if (freqs.length === 0) return pcm;
  const amp = ((freqs.length === 1 ? SINGLE_PEAK : MULTI_PEAK) / freqs.length) * 32767;
  const steps = freqs.map((f) => (2 * Math.PI * f) / sampleRate);
  for (let i = 0; i < n; i++) {
    let v = 0;
    for (const step of steps) v += Math.sin(step * i);
    pcm[i] = Math.round(v * amp);
  }
  return pcm;
}

/** A 16-bit mono PCM WAV file of a tone, two tones summed, or silence (frequency 0 or []). */
export function toneWav(frequency: number | number[], seconds: number, sampleRate = 8000): Uint8Array {
  return encodeWav(tonePcm(frequency, seconds, sampleRate), sampleRate);
}

/** The DTMF frequency pairs (low group, high group) by key. */
export const DTMF_FREQUENCIES: Readonly<Record<string, readonly [number, number]>> = {
  '1': [697, 1209],
  '2': [697, 1336],
  '3': [697, 1477],
  A: [697, 1633],
  '4': [770, 1209],
  '5': [770, 1336],
  '6': [770, 1477],
  B: [770, 1633],
  '7': [852, 1209],
  '8': [852, 1336],
  '9': [852, 1477],
  C: [852, 1633],
  '*': [941, 1209],
  '0': [941, 1336],
  '#': [941, 1477],
  D: [941, 1633],
};

/** In-band DTMF: each digit as `toneMs` of its two tones followed by `gapMs` of silence. */
export function dtmfPcm(digits: string, options: { toneMs?: number; gapMs?: number; sampleRate?: number } = {}) {
  const { toneMs = 100, gapMs = 100, sampleRate = 8000 } = options;
  const parts: Int16Array[] = [];
  for (const digit of digits.toUpperCase()) {
    const pair = DTMF_FREQUENCIES[digit];
    if (!pair) throw new RangeError(`not a DTMF digit: ${JSON.stringify(digit)}`);
    parts.push(tonePcm([...pair], toneMs / 1000, sampleRate), new Int16Array(Math.round((gapMs / 1000) * sampleRate)));
  }
  return concatPcm(parts);
}

/** One Int16Array holding the given ones in order. */
export function concatPcm(parts: readonly Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A canonical 44-byte-header WAV file of 16-bit mono PCM. */
export function encodeWav(pcm: Int16Array, sampleRate = 8000): Uint8Array {
  const bytes = new Uint8Array(44 + pcm.length * 2);
  const view = new DataView(bytes.buffer);
  const ascii = (at: number, s: string) => {
    for (let i = 0; i < s.length; i++) bytes[at + i] = s.charCodeAt(i);
  };
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + pcm.length * 2, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  ascii(36, 'data');
  view.setUint32(40, pcm.length * 2, true);
  for (let i = 0; i < pcm.length; i++) view.setInt16(44 + i * 2, pcm[i] ?? 0, true);
  return bytes;
}

/**
 * The first channel of a 16-bit PCM WAV. A data chunk whose declared size is 0 or runs past the
 * end (a file still being written) is read to the end of the bytes present.
 */
export function parseWav(bytes: Uint8Array, where = 'wav'): { sampleRate: number; pcm: Int16Array } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));
  if (bytes.length < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') {
    throw new WavError('WAV_MALFORMED', 'not a RIFF/WAVE file', where);
  }
  let fmt: { format: number; channels: number; sampleRate: number; bits: number } | undefined;
  let at = 12;
  for (let chunks = 0; at + 8 <= bytes.length && chunks < 64; chunks++) {
    const id = tag(at);
    const size = view.getUint32(at + 4, true);
    const body = at + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > bytes.length) throw new WavError('WAV_MALFORMED', 'short fmt chunk', where);
      fmt = {
        format: view.getUint16(body, true),
        channels: view.getUint16(body + 2, true),
        sampleRate: view.getUint32(body + 4, true),
        bits: view.getUint16(body + 14, true),
      };
    } else if (id === 'data') {
      if (!fmt) throw new WavError('WAV_MALFORMED', 'data chunk before fmt chunk', where);
      // 0xFFFE is WAVE_FORMAT_EXTENSIBLE: libsndfile's choice for some layouts; PCM inside here.
      if ((fmt.format !== 1 && fmt.format !== 0xfffe) || fmt.bits !== 16) {
        throw new WavError('WAV_UNSUPPORTED', `format ${fmt.format} with ${fmt.bits} bits: only 16-bit PCM`, where);
      }
      if (fmt.channels < 1 || fmt.channels > 8 || fmt.sampleRate < 1000 || fmt.sampleRate > 192000) {
        throw new WavError('WAV_MALFORMED', `${fmt.channels} channels at ${fmt.sampleRate} Hz`, where);
      }
      const available = bytes.length - body;
      const length = size === 0 || size > available ? available : size;
      const frame = 2 * fmt.channels;
      const pcm = new Int16Array(Math.floor(length / frame));
      for (let i = 0; i < pcm.length; i++) pcm[i] = view.getInt16(body + i * frame, true);
      return { sampleRate: fmt.sampleRate, pcm };
    }
    at = body + size + (size & 1);
  }
  throw new WavError('WAV_MALFORMED', 'no data chunk', where);
}

/** Reads a WAV file (at most MAX_WAV_BYTES) and returns its first channel. */
export async function readWav(path: string): Promise<{ sampleRate: number; pcm: Int16Array }> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    if (size > MAX_WAV_BYTES) throw new WavError('WAV_TOO_LARGE', `${size} bytes (limit ${MAX_WAV_BYTES})`, path);
    const bytes = new Uint8Array(size);
    let read = 0;
    while (read < size) {
      const { bytesRead } = await file.read(bytes, read, size - read, read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    return parseWav(bytes.subarray(0, read), path);
  } finally {
    await file.close();
  }
}
