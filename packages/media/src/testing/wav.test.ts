import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { goertzelPower } from './audio-analysis.js';
import { WavError } from './errors.js';
import { dtmfPcm, encodeWav, parseWav, readWav, toneWav } from './wav.js';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

/** A WAV header with chosen fields, followed by `data`. */
function header(fields: { format?: number; channels?: number; bits?: number; dataSize?: number }, data: Uint8Array) {
  const { format = 1, channels = 1, bits = 16, dataSize = data.length } = fields;
  const bytes = new Uint8Array(44 + data.length);
  const view = new DataView(bytes.buffer);
  bytes.set(new TextEncoder().encode('RIFF'), 0);
  bytes.set(new TextEncoder().encode('WAVEfmt '), 8);
  view.setUint32(16, 16, true);
  view.setUint16(20, format, true);
  view.setUint16(22, channels, true);
  view.setUint32(24, 8000, true);
  view.setUint16(34, bits, true);
  bytes.set(new TextEncoder().encode('data'), 36);
  view.setUint32(40, dataSize, true);
  bytes.set(data, 44);
  return bytes;
}

describe('WAV files', () => {
  it('round-trips a tone file', () => {
    const { sampleRate, pcm } = parseWav(toneWav(600, 0.5));
    expect(sampleRate).toBe(8000);
    expect(pcm.length).toBe(4000);
    expect(goertzelPower(pcm, 600)).toBeCloseTo(0.125, 2);
  });

  it('writes silence for frequency 0 and rejects non-DTMF digits', () => {
    expect(parseWav(toneWav(0, 0.1)).pcm.every((v) => v === 0)).toBe(true);
    expect(() => dtmfPcm('12x')).toThrow(RangeError);
  });

  it('reads a data chunk still being written (size 0 or past the end) to the bytes present', () => {
    const samples = new Uint8Array(new Int16Array([1, -2, 3]).buffer);
    expect([...parseWav(header({ dataSize: 0 }, samples)).pcm]).toEqual([1, -2, 3]);
    expect([...parseWav(header({ dataSize: 1000 }, samples)).pcm]).toEqual([1, -2, 3]);
  });

  it('keeps the first channel of a stereo file', () => {
    const samples = new Uint8Array(new Int16Array([1, 100, 2, 200]).buffer);
    expect([...parseWav(header({ channels: 2 }, samples)).pcm]).toEqual([1, 2]);
  });

  it('throws typed errors for what it cannot read', () => {
    const code = (bytes: Uint8Array) => {
      try {
        parseWav(bytes);
      } catch (error) {
        return error instanceof WavError ? error.code : 'untyped';
      }
      return 'none';
    };
    expect(code(new Uint8Array(4))).toBe('WAV_MALFORMED');
    expect(code(new TextEncoder().encode('RIFF\0\0\0\0WAVE'))).toBe('WAV_MALFORMED');
    expect(code(header({ bits: 8 }, new Uint8Array(8)))).toBe('WAV_UNSUPPORTED');
    expect(code(header({ format: 6 }, new Uint8Array(8)))).toBe('WAV_UNSUPPORTED');
    expect(code(header({ channels: 0 }, new Uint8Array(8)))).toBe('WAV_MALFORMED');
    expect(code(encodeWav(new Int16Array(4)).subarray(0, 30))).toBe('WAV_MALFORMED');
  });

  it('reads what sox writes, skipping chunks it does not know', async () => {
    dir = await mkdtemp(join(tmpdir(), 'wav-test-'));
    const path = join(dir, 'sox.wav');
    execFileSync('sox', ['-n', '-r', '8000', '-c', '2', '-b', '16', path, 'synth', '0.2', 'sine', '900']);
    const { sampleRate, pcm } = await readWav(path);
    expect(sampleRate).toBe(8000);
    expect(pcm.length).toBe(1600);
    expect(goertzelPower(pcm, 900)).toBeGreaterThan(0.2);
    await writeFile(join(dir, 'bad.wav'), 'not a wav');
    await expect(readWav(join(dir, 'bad.wav'))).rejects.toMatchObject({ code: 'WAV_MALFORMED' });
  });
});
