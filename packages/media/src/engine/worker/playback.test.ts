import { describe, expect, it } from 'vitest';
import { goertzel } from '../dsp/goertzel.js';
import { DigitsPlayback, type EventFrame, PcmPlayback } from './playback.js';

function run(p: DigitsPlayback): { kind: string; ev: EventFrame; level697: number }[] {
  const out = new Int16Array(160);
  const frames = [];
  for (let i = 0; i < 200 && !p.finished; i++) {
    const ev: EventFrame = { event: -1, duration: 0, end: false, start: false, repeats: 0 };
    const kind = p.fill(out, ev);
    frames.push({ kind, ev, level697: goertzel(out, 697) });
  }
  return frames;
}

describe('DigitsPlayback', () => {
  it('RFC 4733: 100 ms of growing durations on one event, the end packet three times, then a gap', () => {
    const frames = run(new DigitsPlayback(1, '1', true));
    const events = frames.filter((f) => f.kind === 'event').map((f) => f.ev);
    expect(events.map((e) => e.duration)).toEqual([160, 320, 480, 640, 800, 800]);
    expect(events.map((e) => e.start)).toEqual([true, false, false, false, false, false]);
    expect(events.map((e) => e.end)).toEqual([false, false, false, false, false, true]);
    expect(events.at(-1)?.repeats).toBe(3);
    expect(events.every((e) => e.event === 1)).toBe(true);
    expect(frames.filter((f) => f.kind === 'audio')).toHaveLength(3);
  });

  it("in-band: 100 ms of the key's tones; 'w' pauses 500 ms; unknown characters are skipped", () => {
    const frames = run(new DigitsPlayback(1, '1wx', false));
    expect(frames.slice(0, 5).every((f) => f.level697 > 3000)).toBe(true);
    expect(frames.length).toBe(5 + 3 + 25);
    expect(frames.slice(5).every((f) => f.level697 < 10)).toBe(true);
  });
});

describe('PcmPlayback', () => {
  it('pads the last frame and finishes; loops when asked', () => {
    const p = new PcmPlayback(1, new Int16Array(200).fill(5));
    const out = new Int16Array(160);
    p.fill(out);
    expect(p.finished).toBe(false);
    p.fill(out);
    expect([out[39], out[40], p.finished]).toEqual([5, 0, true]);
    const loop = new PcmPlayback(2, new Int16Array(160).fill(3), true);
    loop.fill(out);
    loop.fill(out);
    expect([out[0], loop.finished]).toEqual([3, false]);
  });
});
