/**
 * Reads a RIFF/WAVE file into float samples per channel (−1..1), whatever its encoding: integer
 * PCM of 8, 16, 24 or 32 bits, IEEE float of 32 or 64 bits, µ-law and A-law, plain or as
 * WAVE_FORMAT_EXTENSIBLE, at any rate, with up to 8 channels. Chunks other than `fmt ` and
 * `data` (LIST, fact, cue, ...) are skipped. Every malformed or truncated file ends in an
 * AudioFormatError, never in a RangeError.
 *
 * A `data` size of 0x7FFFF000 or more is the placeholder that tools streaming to a pipe write
 * (espeak-ng --stdout, sox, ffmpeg): it means "until the end of the file". Any other size that
 * runs past the end of the file is a truncated file.
 *
 * @example
 * const { sampleRate, pcm } = decodeWav(bytes); // pcm[0] is the left (or only) channel
 */
import { AudioFormatError } from './errors.js';
import { ALAW_TO_LINEAR, MULAW_TO_LINEAR } from './g711.js';

export interface DecodedAudio {
  readonly sampleRate: number;
  readonly channels: number;
  /** One array per channel, samples in −1..1. */
  readonly pcm: Float32Array[];
}

const FORMAT_PCM = 1;
const FORMAT_FLOAT = 3;
const FORMAT_ALAW = 6;
const FORMAT_MULAW = 7;
const FORMAT_EXTENSIBLE = 0xfffe;
/** The 14 bytes that follow the format tag in an extensible SubFormat GUID (KSDATAFORMAT_SUBTYPE_*). */
const GUID_TAIL = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];
const STREAMED_SIZE = 0x7ffff000;
const MAX_CHUNKS = 1024;
const MAX_CHANNELS = 8;
const MAX_RATE = 768_000;

interface Format {
  tag: number;
  channels: number;
  sampleRate: number;
  blockAlign: number;
  bits: number;
}

function ascii(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at] ?? 0, bytes[at + 1] ?? 0, bytes[at + 2] ?? 0, bytes[at + 3] ?? 0);
}

function readFormat(view: DataView, at: number, size: number): Format {
  if (size < 16) throw new AudioFormatError('audio-malformed', `fmt chunk of ${size} bytes (at least 16)`, 'wav fmt');
  let tag = view.getUint16(at, true);
  const channels = view.getUint16(at + 2, true);
  const sampleRate = view.getUint32(at + 4, true);
  const blockAlign = view.getUint16(at + 12, true);
  const bits = view.getUint16(at + 14, true);
  if (tag === FORMAT_EXTENSIBLE) {
    if (size < 40) throw new AudioFormatError('audio-malformed', 'extensible fmt chunk under 40 bytes', 'wav fmt');
    tag = view.getUint16(at + 24, true);
    for (let i = 0; i < GUID_TAIL.length; i++) {
      if (view.getUint8(at + 26 + i) !== GUID_TAIL[i])
        throw new AudioFormatError('audio-unsupported', 'extensible fmt with an unknown SubFormat GUID', 'wav fmt');
    }
  }
  if (channels < 1 || channels > MAX_CHANNELS)
    throw new AudioFormatError('audio-unsupported', `${channels} channels (1 to ${MAX_CHANNELS})`, 'wav fmt');
  if (sampleRate < 1 || sampleRate > MAX_RATE)
    throw new AudioFormatError('audio-unsupported', `sample rate ${sampleRate} Hz`, 'wav fmt');
  const supported =
    (tag === FORMAT_PCM && [8, 16, 24, 32].includes(bits)) ||
    (tag === FORMAT_FLOAT && (bits === 32 || bits === 64)) ||
    ((tag === FORMAT_ALAW || tag === FORMAT_MULAW) && bits === 8);
  if (!supported)
    throw new AudioFormatError('audio-unsupported', `format tag ${tag} with ${bits} bits per sample`, 'wav fmt');
  if (blockAlign !== channels * (bits / 8))
    throw new AudioFormatError(
      'audio-malformed',
      `block align ${blockAlign} for ${channels} × ${bits} bits`,
      'wav fmt',
    );
  return { tag, channels, sampleRate, blockAlign, bits };
}

/** Reads one sample (its first byte at `at`) as −1..1. */
type SampleReader = (view: DataView, at: number) => number;

function readerFor(format: Format): SampleReader {
  switch (format.tag) {
    case FORMAT_MULAW:
      return (view, at) => (MULAW_TO_LINEAR[view.getUint8(at)] as number) / 32768;
    case FORMAT_ALAW:
      return (view, at) => (ALAW_TO_LINEAR[view.getUint8(at)] as number) / 32768;
    case FORMAT_FLOAT:
      return format.bits === 32 ? (view, at) => view.getFloat32(at, true) : (view, at) => view.getFloat64(at, true);
    default:
      switch (format.bits) {
        case 8:
          return (view, at) => (view.getUint8(at) - 128) / 128;
        case 16:
          return (view, at) => view.getInt16(at, true) / 32768;
        case 24:
          return (view, at) => ((view.getInt8(at + 2) << 16) | view.getUint16(at, true)) / 8388608;
        default:
          return (view, at) => view.getInt32(at, true) / 2147483648;
      }
  }
}

/** Decodes a WAV file; throws AudioFormatError on anything it cannot read. */
export function decodeWav(bytes: Uint8Array): DecodedAudio {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 12) throw new AudioFormatError('audio-truncated', `${bytes.length} bytes, no WAV header`, 'wav');
  if (ascii(bytes, 0) !== 'RIFF' || ascii(bytes, 8) !== 'WAVE') {
    const kind = ascii(bytes, 0) === 'RF64' ? 'audio-unsupported' : 'audio-malformed';
    throw new AudioFormatError(kind, 'not a RIFF/WAVE file', 'wav');
  }
  let format: Format | undefined;
  let at = 12;
  for (let chunks = 0; chunks < MAX_CHUNKS; chunks++) {
    if (at + 8 > bytes.length) {
      throw new AudioFormatError(format ? 'audio-truncated' : 'audio-malformed', 'no data chunk', 'wav');
    }
    const id = ascii(bytes, at);
    const size = view.getUint32(at + 4, true);
    const body = at + 8;
    if (id === 'data') {
      if (!format) throw new AudioFormatError('audio-malformed', 'data chunk before the fmt chunk', 'wav');
      const available = bytes.length - body;
      if (size > available && size < STREAMED_SIZE)
        throw new AudioFormatError('audio-truncated', `data chunk of ${size} bytes, ${available} present`, 'wav data');
      const length = Math.min(size, available);
      return readSamples(view, body, length, format);
    }
    if (body + size > bytes.length)
      throw new AudioFormatError('audio-truncated', `${id} chunk runs past the end`, 'wav');
    if (id === 'fmt ') format = readFormat(view, body, size);
    at = body + size + (size & 1);
  }
  throw new AudioFormatError('audio-malformed', `more than ${MAX_CHUNKS} chunks before data`, 'wav');
}

function readSamples(view: DataView, start: number, length: number, format: Format): DecodedAudio {
  const frames = Math.floor(length / format.blockAlign);
  if (frames === 0) throw new AudioFormatError('audio-empty', 'the data chunk holds no samples', 'wav data');
  const read = readerFor(format);
  const width = format.bits / 8;
  const pcm: Float32Array[] = [];
  for (let channel = 0; channel < format.channels; channel++) {
    const out = new Float32Array(frames);
    let at = start + channel * width;
    for (let i = 0; i < frames; i++, at += format.blockAlign) out[i] = read(view, at);
    pcm.push(out);
  }
  return { sampleRate: format.sampleRate, channels: format.channels, pcm };
}
