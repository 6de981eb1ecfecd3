import { describe, expect, it } from 'vitest';
import { sine } from './__fixtures__/build-wav.js';
import { AudioFormatError } from './errors.js';
import { goertzelDb } from './goertzel.js';
import { PhoneSink, pcmToPhone } from './phone-sink.js';
import { resample } from './resample.js';

const tone = (seconds: number, rate = 44100) => Float32Array.from(sine(1000, rate, seconds));

describe('pcmToPhone', () => {
  it('gives the same audio as one resample of the whole, as Int16 at 8 kHz', async () => {
    const input = tone(2.5);
    const phone = await pcmToPhone(input, 44100);
    const whole = resample(input, 44100, 8000);
    expect(phone.length).toBe(whole.length);
    for (const i of [0, 100, 7999, 8000, 12345, whole.length - 1])
      expect(Math.abs((phone[i] as number) - Math.round((whole[i] as number) * 32768))).toBeLessThanOrEqual(1);
    expect(goertzelDb(phone.subarray(4000, 16000), 8000, 1000)).toBeGreaterThan(-7);
  });

  it('lets the event loop run between slices', async () => {
    let turned = false;
    setImmediate(() => {
      turned = true;
    });
    await pcmToPhone(tone(3), 44100);
    expect(turned).toBe(true);
  });

  it('stops between slices when aborted, with the reason', async () => {
    const controller = new AbortController();
    const pending = pcmToPhone(tone(5), 44100, { signal: controller.signal });
    controller.abort(new Error('hung up'));
    await expect(pending).rejects.toThrow('hung up');
  });

  it('refuses more than maxSamples before converting anything', async () => {
    await expect(pcmToPhone(tone(2, 8000), 8000, { maxSamples: 8000 })).rejects.toBeInstanceOf(AudioFormatError);
  });
});

describe('PhoneSink', () => {
  it('bounds the total as pieces arrive, and refuses a rate that changes', () => {
    const sink = new PhoneSink({ maxSamples: 12000 }, 'test');
    sink.push(tone(1, 16000), 16000);
    expect(() => sink.push(tone(1, 16000), 16000)).toThrow(AudioFormatError);
    const other = new PhoneSink({}, 'test');
    other.push(tone(0.1, 16000), 16000);
    expect(() => other.push(tone(0.1, 22050), 22050)).toThrow(/rate changes/);
    expect(new PhoneSink({}, 'test').finish().length).toBe(0);
  });
});
