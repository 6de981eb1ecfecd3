import { expect, it } from 'vitest';
import { ringtoneWav } from './ringtone.js';

it('is a 16-bit mono 8 kHz WAV: two seconds of ring, four of silence', () => {
  const file = ringtoneWav();
  expect(file.toString('ascii', 0, 4)).toBe('RIFF');
  expect(file.readUInt32LE(4)).toBe(file.length - 8);
  expect(file.readUInt16LE(22)).toBe(1);
  expect(file.readUInt32LE(24)).toBe(8000);
  expect(file.readUInt16LE(34)).toBe(16);
  const samples = new Int16Array(file.buffer.slice(file.byteOffset + 44, file.byteOffset + file.length));
  expect(samples.length).toBe(6 * 8000);
  const peak = (from: number, to: number) => Math.max(...samples.subarray(from, to).map(Math.abs));
  expect(peak(8000, 12000)).toBeGreaterThan(0.15 * 32767);
  expect(peak(0, 8000)).toBeLessThanOrEqual(0.2 * 32767 + 1);
  expect(peak(16_001, 48_000)).toBe(0);
});
