import { describe, expect, it } from 'vitest';
import { buildWav, concat, type Encoding, sine } from './__fixtures__/build-wav.js';
import { AudioFormatError } from './errors.js';
import { ALAW_TO_LINEAR, MULAW_TO_LINEAR } from './g711.js';
import { goertzelDb } from './goertzel.js';
import { decodeWav } from './wav-decode.js';
import { encodeWav } from './wav-encode.js';

const KNOWN = [0, 0.5, -0.5, 0.25, -0.999, 0.125, -0.0625, 0.75];
/** Largest error each encoding may add to KNOWN. */
const TOLERANCE: Record<Encoding, number> = {
  pcm8: 1 / 128,
  pcm16: 1 / 32768,
  pcm24: 1e-7, // Float32Array output keeps 24 bits
  pcm32: 1e-7,
  float32: 1e-7,
  float64: 1e-7,
  mulaw: 0.04,
  alaw: 0.04,
};

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof AudioFormatError) return error.code;
    throw error;
  }
  return undefined;
}

describe('decodeWav', () => {
  for (const encoding of Object.keys(TOLERANCE) as Encoding[]) {
    for (const extensible of [false, true]) {
      it(`reads ${encoding}${extensible ? ' (extensible)' : ''} mono and stereo with the samples written`, () => {
        const left = KNOWN;
        const right = KNOWN.map((value) => -value / 2);
        const mono = decodeWav(buildWav({ encoding, rate: 11025, channels: [left], extensible }));
        expect(mono.sampleRate).toBe(11025);
        expect(mono.channels).toBe(1);
        const stereo = decodeWav(buildWav({ encoding, rate: 44100, channels: [left, right], extensible }));
        expect(stereo.channels).toBe(2);
        for (const [decoded, expected] of [
          [mono.pcm[0], left],
          [stereo.pcm[0], left],
          [stereo.pcm[1], right],
        ] as const) {
          expect(decoded?.length).toBe(expected.length);
          for (const [i, value] of expected.entries())
            expect(Math.abs((decoded?.[i] ?? NaN) - value)).toBeLessThanOrEqual(TOLERANCE[encoding] + 1e-12);
        }
      });
    }
  }

  it('skips LIST, fact and odd-sized chunks (with their pad byte) before the data', () => {
    const file = buildWav({
      encoding: 'pcm16',
      rate: 8000,
      channels: [KNOWN],
      extra: [
        ['LIST', new TextEncoder().encode('INFOISFT\x05\x00\x00\x00sox!\x00')],
        ['fact', new Uint8Array([8, 0, 0, 0])],
        ['odd ', new Uint8Array([1, 2, 3])],
      ],
    });
    expect(Array.from(decodeWav(file).pcm[0] ?? [])).toEqual(KNOWN.map((v) => Math.round(v * 32768) / 32768));
  });

  it('reads a tone written by encodeWav back at its frequency', () => {
    const tone = Int16Array.from(sine(1000, 8000, 0.5), (v) => Math.round(v * 32767));
    const decoded = decodeWav(encodeWav([tone], 8000));
    expect(goertzelDb(decoded.pcm[0] ?? new Float32Array(), 8000, 1000)).toBeGreaterThan(-7);
    expect(goertzelDb(decoded.pcm[0] ?? new Float32Array(), 8000, 1500)).toBeLessThan(-60);
  });

  it('reads to the end of the file when the data size is the streaming placeholder', () => {
    const file = buildWav({ encoding: 'pcm16', rate: 22050, channels: [KNOWN], dataSize: 0x7ffff000 });
    expect(decodeWav(file).pcm[0]?.length).toBe(KNOWN.length);
  });

  it('rejects truncated files as audio-truncated', () => {
    const file = buildWav({ encoding: 'pcm16', rate: 8000, channels: [KNOWN] });
    expect(codeOf(() => decodeWav(file.subarray(0, 8)))).toBe('audio-truncated');
    expect(codeOf(() => decodeWav(file.subarray(0, 30)))).toBe('audio-truncated');
    expect(codeOf(() => decodeWav(file.subarray(0, file.length - 4)))).toBe('audio-truncated');
    expect(codeOf(() => decodeWav(file.subarray(0, 40)))).toBe('audio-truncated');
  });

  it('rejects garbage, misplaced chunks and unsupported encodings with their codes', () => {
    expect(codeOf(() => decodeWav(new TextEncoder().encode('<html><body>Not found</body></html>')))).toBe(
      'audio-malformed',
    );
    const good = buildWav({ encoding: 'pcm16', rate: 8000, channels: [KNOWN] });
    const adpcm = good.slice();
    new DataView(adpcm.buffer).setUint16(20, 2, true);
    expect(codeOf(() => decodeWav(adpcm))).toBe('audio-unsupported');
    const noChannels = good.slice();
    new DataView(noChannels.buffer).setUint16(22, 0, true);
    expect(codeOf(() => decodeWav(noChannels))).toBe('audio-unsupported');
    const badAlign = good.slice();
    new DataView(badAlign.buffer).setUint16(32, 3, true);
    expect(codeOf(() => decodeWav(badAlign))).toBe('audio-malformed');
    const dataFirst = concat([good.subarray(0, 12), good.subarray(36), good.subarray(12, 36)]);
    expect(codeOf(() => decodeWav(dataFirst))).toBe('audio-malformed');
    const empty = buildWav({ encoding: 'pcm16', rate: 8000, channels: [[]] });
    expect(codeOf(() => decodeWav(empty))).toBe('audio-empty');
    const rf64 = good.slice();
    rf64.set(new TextEncoder().encode('RF64'));
    expect(codeOf(() => decodeWav(rf64))).toBe('audio-unsupported');
  });

  it('stops looking for the data after 1024 chunks', () => {
    const junk = Array.from({ length: 1100 }, () => ['junk', new Uint8Array(0)] as [string, Uint8Array]);
    const file = buildWav({ encoding: 'pcm16', rate: 8000, channels: [KNOWN], extra: junk });
    expect(codeOf(() => decodeWav(file))).toBe('audio-malformed');
    const fewer = buildWav({ encoding: 'pcm16', rate: 8000, channels: [KNOWN], extra: junk.slice(0, 1000) });
    expect(decodeWav(fewer).pcm[0]?.length).toBe(KNOWN.length);
  });

  it('never throws anything but AudioFormatError on corrupted files', () => {
    const good = buildWav({ encoding: 'pcm24', rate: 16000, channels: [KNOWN, KNOWN], extensible: true });
    let seed = 12345;
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    for (let round = 0; round < 2000; round++) {
      const bad = good.slice(0, Math.floor(random() * (good.length + 1)));
      for (let flips = 0; flips < 4; flips++) bad[Math.floor(random() * bad.length)] = Math.floor(random() * 256);
      try {
        decodeWav(bad);
      } catch (error) {
        expect(error).toBeInstanceOf(AudioFormatError);
      }
    }
  });
});

describe('G.711 tables', () => {
  it('expand the reference points of µ-law and A-law', () => {
    expect([MULAW_TO_LINEAR[0xff], MULAW_TO_LINEAR[0x80], MULAW_TO_LINEAR[0x00]]).toEqual([0, 32124, -32124]);
    expect([ALAW_TO_LINEAR[0xd5], ALAW_TO_LINEAR[0x55], ALAW_TO_LINEAR[0xaa]]).toEqual([8, -8, 32256]);
  });
});
