import { describe, expect, it } from 'vitest';
import { DtmfDetector, detectDtmfFrame } from './dtmf-detect.js';
import { trimSilence, VoiceActivity } from './energy.js';
import { FRAME_SAMPLES, goertzel, rms } from './goertzel.js';
import { addClip, addInto, mixMinus } from './mix.js';
import { BEEP, dtmfFrequencies, RINGBACK, ToneGenerator } from './tone.js';

function frames(spec: ConstructorParameters<typeof ToneGenerator>[0], count: number): Int16Array[] {
  const gen = new ToneGenerator(spec);
  return Array.from({ length: count }, () => {
    const f = new Int16Array(FRAME_SAMPLES);
    gen.fill(f);
    return f;
  });
}

function sine(freq: number, amp: number, n = FRAME_SAMPLES): Int16Array {
  return Int16Array.from({ length: n }, (_, i) => Math.round(amp * Math.sin((2 * Math.PI * freq * i) / 8000)));
}

describe('Goertzel and tones', () => {
  it('measures the amplitude of the frequency asked for and not its neighbours', () => {
    const f = sine(440, 8000, 800);
    expect(goertzel(f, 440)).toBeGreaterThan(7500);
    expect(goertzel(f, 1000)).toBeLessThan(300);
    expect(rms(f)).toBeCloseTo(8000 / Math.SQRT2, -2);
  });

  it('ringback is 440+480 Hz for 2 s then 4 s of silence, looping', () => {
    const all = frames(RINGBACK, 400); // 8 s
    const on = all[10] as Int16Array;
    expect(goertzel(on, 440)).toBeGreaterThan(2000);
    expect(goertzel(on, 480)).toBeGreaterThan(2000);
    expect(rms(all[150] as Int16Array)).toBe(0);
    expect(goertzel(all[310] as Int16Array, 440)).toBeGreaterThan(2000);
  });

  it('a beep ends', () => {
    const gen = new ToneGenerator(BEEP);
    const f = new Int16Array(FRAME_SAMPLES);
    let n = 0;
    while (gen.fill(f)) n++;
    expect(n).toBe(20);
  });
});

describe('DTMF detection', () => {
  it('recognizes every key from its generated tone', () => {
    for (const key of '0123456789*#ABCD') {
      const [lo, hi] = dtmfFrequencies(key) ?? [0, 0];
      const [f] = frames({ frequencies: [lo, hi], onMs: 100 }, 1);
      expect(detectDtmfFrame(f as Int16Array)).toBe(key);
    }
  });

  it('ignores a single tone, silence and noise', () => {
    expect(detectDtmfFrame(sine(440, 8000))).toBeUndefined();
    expect(detectDtmfFrame(new Int16Array(160))).toBeUndefined();
    let s = 1;
    const noise = Int16Array.from({ length: 160 }, () => {
      s = (s * 16807) % 2147483647;
      return (s % 16000) - 8000;
    });
    expect(detectDtmfFrame(noise)).toBeUndefined();
  });

  it('reports one digit per key press after 40 ms', () => {
    const det = new DtmfDetector();
    const [lo, hi] = dtmfFrequencies('5') ?? [0, 0];
    const press = frames({ frequencies: [lo, hi], onMs: 100 }, 5);
    const silence = Array.from({ length: 3 }, () => new Int16Array(160));
    const seen = [...press, ...silence, ...press].map((f) => det.push(f)).filter(Boolean);
    expect(seen).toEqual(['5', '5']);
  });
});

describe('mixing', () => {
  it('mix-minus: each hears the others and not itself, clipped to 16 bits', () => {
    const a = new Int16Array(4).fill(20000);
    const b = new Int16Array(4).fill(15000);
    const c = new Int16Array(4).fill(-1000);
    const acc = new Int32Array(4);
    for (const x of [a, b, c]) addInto(acc, x);
    const out = new Int16Array(4);
    mixMinus(acc, a, out);
    expect(out[0]).toBe(14000);
    mixMinus(acc, c, out);
    expect(out[0]).toBe(32767);
    const neg = new Int32Array(4).fill(-50000);
    mixMinus(neg, undefined, out);
    expect(out[0]).toBe(-32768);
    addClip(a, b, out);
    expect(out[0]).toBe(32767);
  });
});

describe('voice activity', () => {
  it('starts after two voiced frames and ends after the hangover', () => {
    const vad = new VoiceActivity(330, 100);
    const loud = sine(300, 5000);
    const quiet = new Int16Array(160);
    const events = [loud, loud, loud, quiet, quiet, quiet, quiet, quiet].map((f) => vad.push(f));
    expect(events).toEqual([undefined, 'start', undefined, undefined, undefined, undefined, undefined, 'end']);
  });

  it('trims silent frames off both ends', () => {
    const pcm = new Int16Array(160 * 10);
    pcm.set(sine(300, 5000, 320), 160 * 3);
    const trimmed = trimSilence(pcm);
    expect(trimmed.length).toBe(320);
    expect(trimSilence(new Int16Array(800)).length).toBe(0);
  });
});
