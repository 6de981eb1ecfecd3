/**
 * Builds WAV files byte by byte for the decoder's tests: every encoding the decoder reads, with
 * optional extra chunks, so each test states exactly the file it feeds in.
 *
 * @example
 * const file = buildWav({ encoding: 'pcm16', rate: 8000, channels: [[0, 0.5, -0.5]] });
 */
export type Encoding = 'pcm8' | 'pcm16' | 'pcm24' | 'pcm32' | 'float32' | 'float64' | 'mulaw' | 'alaw';

const SPEC: Record<Encoding, { tag: number; bits: number }> = {
  pcm8: { tag: 1, bits: 8 },
  pcm16: { tag: 1, bits: 16 },
  pcm24: { tag: 1, bits: 24 },
  pcm32: { tag: 1, bits: 32 },
  float32: { tag: 3, bits: 32 },
  float64: { tag: 3, bits: 64 },
  mulaw: { tag: 7, bits: 8 },
  alaw: { tag: 6, bits: 8 },
};

/** G.711 µ-law compression (the reference algorithm), for building fixtures. */
export function encodeMulaw(sample: number): number {
  const sign = sample < 0 ? 0x80 : 0;
  let magnitude = Math.min(Math.abs(sample), 32635) + 0x84;
  let exponent = 7;
  for (let mask = 0x4000; (magnitude & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (magnitude >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

/** G.711 A-law compression (the reference algorithm), for building fixtures. */
export function encodeAlaw(sample: number): number {
  const sign = sample >= 0 ? 0x80 : 0;
  const magnitude = Math.min(Math.abs(sample), 32767) >> 3;
  let exponent = 0;
  if (magnitude >= 32) exponent = Math.min(7, 32 - Math.clz32(magnitude) - 5);
  const mantissa = exponent === 0 ? (magnitude >> 1) & 0x0f : (magnitude >> exponent) & 0x0f;
  return (sign | (exponent << 4) | mantissa) ^ 0x55;
}

function chunk(id: string, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + body.length + (body.length & 1));
  for (let i = 0; i < 4; i++) out[i] = id.charCodeAt(i);
  new DataView(out.buffer).setUint32(4, body.length, true);
  out.set(body, 8);
  return out;
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

export interface WavSpec {
  encoding: Encoding;
  rate: number;
  /** Samples per channel, −1..1. */
  channels: number[][];
  extensible?: boolean;
  /** Chunks placed between fmt and data, e.g. [['LIST', bytes]]. */
  extra?: Array<[string, Uint8Array]>;
  /** Overrides the data chunk's declared size. */
  dataSize?: number;
}

export function buildWav(spec: WavSpec): Uint8Array {
  const { tag, bits } = SPEC[spec.encoding];
  const count = spec.channels.length;
  const frames = spec.channels[0]?.length ?? 0;
  const width = bits / 8;
  const data = new Uint8Array(frames * count * width);
  const view = new DataView(data.buffer);
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < count; c++) {
      const value = spec.channels[c]?.[i] ?? 0;
      const at = (i * count + c) * width;
      const int = (scale: number) => Math.max(-scale, Math.min(scale - 1, Math.round(value * scale)));
      switch (spec.encoding) {
        case 'pcm8':
          view.setUint8(at, int(128) + 128);
          break;
        case 'pcm16':
          view.setInt16(at, int(32768), true);
          break;
        case 'pcm24': {
          const v = int(8388608);
          view.setUint16(at, v & 0xffff, true);
          view.setInt8(at + 2, v >> 16);
          break;
        }
        case 'pcm32':
          view.setInt32(at, int(2147483648), true);
          break;
        case 'float32':
          view.setFloat32(at, value, true);
          break;
        case 'float64':
          view.setFloat64(at, value, true);
          break;
        case 'mulaw':
          view.setUint8(at, encodeMulaw(int(32768)));
          break;
        case 'alaw':
          view.setUint8(at, encodeAlaw(int(32768)));
          break;
      }
    }
  }
  const fmt = new Uint8Array(spec.extensible ? 40 : 16);
  const f = new DataView(fmt.buffer);
  f.setUint16(0, spec.extensible ? 0xfffe : tag, true);
  f.setUint16(2, count, true);
  f.setUint32(4, spec.rate, true);
  f.setUint32(8, spec.rate * count * width, true);
  f.setUint16(12, count * width, true);
  f.setUint16(14, bits, true);
  if (spec.extensible) {
    f.setUint16(16, 22, true);
    f.setUint16(18, bits, true);
    f.setUint32(20, count === 2 ? 3 : 4, true);
    f.setUint16(24, tag, true);
    fmt.set([0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71], 26);
  }
  const dataChunk = chunk('data', data);
  if (spec.dataSize !== undefined) new DataView(dataChunk.buffer).setUint32(4, spec.dataSize, true);
  const body = concat([
    new TextEncoder().encode('WAVE'),
    chunk('fmt ', fmt),
    ...(spec.extra ?? []).map(([id, bytes]) => chunk(id, bytes)),
    dataChunk,
  ]);
  const header = new Uint8Array(8);
  header.set(new TextEncoder().encode('RIFF'));
  new DataView(header.buffer).setUint32(4, body.length, true);
  return concat([header, body]);
}

/** `seconds` of a sine at `frequency`, amplitude `amplitude`. */
export function sine(frequency: number, rate: number, seconds: number, amplitude = 0.5): number[] {
  return Array.from({ length: Math.round(rate * seconds) }, (_, i) => amplitude * Math.sin((2 * Math.PI * frequency * i) / rate));
}
