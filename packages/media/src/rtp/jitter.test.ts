import { describe, expect, it } from 'vitest';
import { JitterBuffer, LOST, WAITING } from './jitter.js';

function packet(seq: number): Uint8Array {
  return new Uint8Array(160).fill(seq & 0xff);
}

function drain(jb: JitterBuffer, n: number): number[] {
  const out = new Uint8Array(320);
  const got: number[] = [];
  for (let i = 0; i < n; i++) {
    const len = jb.pop(out);
    got.push(len >= 0 ? (out[0] as number) : len);
  }
  return got;
}

describe('JitterBuffer', () => {
  it('waits for its depth, then plays in sequence order despite reordering', () => {
    const jb = new JitterBuffer({ depthFrames: 3 });
    jb.push(11, packet(11), 0, 160);
    jb.push(10, packet(10), 0, 160);
    expect(drain(jb, 1)).toEqual([WAITING]);
    jb.push(13, packet(13), 0, 160);
    jb.push(12, packet(12), 0, 160);
    expect(drain(jb, 4)).toEqual([10, 11, 12, 13]);
  });

  it('reports a gap as LOST and keeps order after it', () => {
    const jb = new JitterBuffer({ depthFrames: 2 });
    for (const s of [1, 2, 4, 5]) jb.push(s, packet(s), 0, 160);
    expect(drain(jb, 4)).toEqual([1, 2, LOST, 4]);
    expect(jb.lost).toBe(1);
  });

  it('drops late packets and duplicates and counts them', () => {
    const jb = new JitterBuffer({ depthFrames: 2 });
    jb.push(1, packet(1), 0, 160);
    jb.push(2, packet(2), 0, 160);
    expect(jb.push(2, packet(2), 0, 160)).toBe('duplicate');
    drain(jb, 1);
    expect(jb.push(1, packet(1), 0, 160)).toBe('late');
    expect(jb.late).toBe(1);
    expect(jb.duplicates).toBe(1);
  });

  it('crosses the 16-bit wrap', () => {
    const jb = new JitterBuffer({ depthFrames: 2 });
    for (const s of [65534, 65535, 0, 1]) jb.push(s, packet(s), 0, 160);
    expect(drain(jb, 4)).toEqual([254, 255, 0, 1]);
  });

  it('resets on a jump far ahead (a new stream)', () => {
    const jb = new JitterBuffer({ depthFrames: 2 });
    jb.push(1, packet(1), 0, 160);
    jb.push(2, packet(2), 0, 160);
    expect(jb.push(5000, packet(5000), 0, 160)).toBe('reset');
    jb.push(5001, packet(5001), 0, 160);
    expect(drain(jb, 2)).toEqual([5000 & 0xff, 5001 & 0xff]);
  });

  it('bounds its delay: beyond twice its depth the oldest frames are dropped', () => {
    const jb = new JitterBuffer({ depthFrames: 2 });
    for (let s = 1; s <= 9; s++) jb.push(s, packet(s), 0, 160);
    expect(drain(jb, 2)).toEqual([5, 6]);
    expect(jb.trimmed).toBe(4);
  });

  it('skips playout frames after a stall', () => {
    const jb = new JitterBuffer({ depthFrames: 2 });
    for (let s = 1; s <= 5; s++) jb.push(s, packet(s), 0, 160);
    jb.skip(2);
    expect(drain(jb, 1)).toEqual([3]);
  });

  it('never starts below 40 ms of depth', () => {
    expect(new JitterBuffer({ depthFrames: 1 }).depth).toBe(2);
  });
});
