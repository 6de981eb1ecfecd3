import { describe, expect, it } from 'vitest';
import { FrameQueue, PcmChunks } from './frames.js';

const frame = (v: number) => new Int16Array(160).fill(v);

describe('FrameQueue', () => {
  it('waits for two frames before playing, so clocks of different phase do not cause gaps', () => {
    const q = new FrameQueue();
    const out = new Int16Array(160);
    q.push(frame(1));
    expect(q.pop(out)).toBe(false);
    q.push(frame(2));
    expect([q.pop(out), out[0]]).toEqual([true, 1]);
    q.push(frame(3));
    expect([q.pop(out), out[0]]).toEqual([true, 2]);
    expect([q.pop(out), out[0]]).toEqual([true, 3]);
    expect([q.pop(out), out[0]]).toEqual([false, 0]); // dry: re-primes
    q.push(frame(4));
    expect(q.pop(out)).toBe(false);
  });

  it('stays bounded: the oldest frame goes when a peer floods it', () => {
    const q = new FrameQueue(3);
    for (let i = 1; i <= 5; i++) q.push(frame(i));
    const out = new Int16Array(160);
    q.pop(out);
    expect(out[0]).toBe(3);
    expect(q.size).toBe(2);
  });
});

describe('PcmChunks', () => {
  it('collects across chunk boundaries up to its limit', () => {
    const c = new PcmChunks(8100);
    for (let i = 0; i < 60; i++) c.append(frame(i));
    expect(c.full).toBe(true);
    const pcm = c.toPcm();
    expect(pcm.length).toBe(8100);
    expect([pcm[0], pcm[7999], pcm[8000], pcm[8099]]).toEqual([0, 49, 50, 50]);
  });
});
