import { describe, expect, it } from 'vitest';
import { PeerError } from './errors.js';
import { encodeNetstring, NetstringReader } from './netstring.js';

describe('netstrings', () => {
  it('frames UTF-8 by its byte length', () => {
    expect(encodeNetstring('{"a":"é"}').toString()).toBe('10:{"a":"é"},');
  });

  it('reads messages split across chunks and several in one chunk', () => {
    const reader = new NetstringReader();
    const wire = Buffer.concat([encodeNetstring('{"x":1}'), encodeNetstring(''), encodeNetstring('{"y":"é"}')]);
    const got: string[] = [];
    for (let i = 0; i < wire.length; i += 3) got.push(...reader.push(wire.subarray(i, i + 3)));
    expect(got).toEqual(['{"x":1}', '', '{"y":"é"}']);
    expect(reader.push(encodeNetstring('a').subarray(0, 2))).toEqual([]);
  });

  it('refuses garbage, a missing comma and an oversize length with a typed error', () => {
    const fails = (text: string, max?: number) => {
      try {
        new NetstringReader('test', max).push(Buffer.from(text));
      } catch (error) {
        return error instanceof PeerError && error.code === 'PEER_COMMAND';
      }
      return false;
    };
    expect(fails('x1:a,')).toBe(true);
    expect(fails('3:abc;')).toBe(true);
    expect(fails('99999999999999')).toBe(true);
    expect(fails('100:', 10)).toBe(true);
    expect(fails('3:abc,')).toBe(false);
  });
});
