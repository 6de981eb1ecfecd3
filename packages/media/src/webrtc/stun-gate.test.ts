import { describe, expect, it } from 'vitest';
import { stunGate } from './stun-gate.js';

const request = (username?: string) => ({ getAttributeValue: () => username });

describe('stunGate', () => {
  it("admits only requests naming this session's ufrag", () => {
    const gate = stunGate(() => 'abcd');
    expect(gate(request('abcd:efgh'), ['127.0.0.1', 5000])).toBe(true);
    expect(gate(request('wxyz:efgh'), ['127.0.0.1', 5000])).toBe(false);
    expect(gate(request('abcdx:efgh'), ['127.0.0.1', 5000])).toBe(false);
    expect(gate(request(), ['127.0.0.1', 5000])).toBe(false);
  });

  it("once the device's ufrag is known, admits only requests naming it too (not a restarted device's new one)", () => {
    let theirs: string | undefined;
    const gate = stunGate(() => 'abcd', { remoteUfrag: () => theirs });
    expect(gate(request('abcd:early'), ['127.0.0.1', 5000])).toBe(true); // before its description
    theirs = 'efgh';
    expect(gate(request('abcd:efgh'), ['127.0.0.1', 5000])).toBe(true);
    expect(gate(request('abcd:ijkl'), ['127.0.0.1', 5001])).toBe(false);
    expect(gate(request('abcd:efghx'), ['127.0.0.1', 5000])).toBe(false);
  });

  it('admits perSecond requests a second from one source, and maxSources sources a second', () => {
    let now = 10_000;
    const gate = stunGate(() => 'abcd', { perSecond: 3, maxSources: 2, now: () => now });
    const from = (port: number) => gate(request('abcd:x'), ['127.0.0.9', port]);
    expect([from(1), from(1), from(1), from(1)]).toEqual([true, true, true, false]);
    expect(from(2)).toBe(true);
    expect(from(3)).toBe(false); // a third source in the same second
    now += 1000;
    expect([from(1), from(3)]).toEqual([true, true]);
  });
});
