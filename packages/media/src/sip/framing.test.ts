import { describe, expect, it } from 'vitest';
import { StreamFramer } from './framing.js';

const msg = (body: string) => `OPTIONS sip:a@b SIP/2.0\r\nCall-ID: x\r\nl: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

describe('StreamFramer', () => {
  it('splits back-to-back messages by Content-Length, across chunk boundaries, skipping CRLF keep-alives', () => {
    const f = new StreamFramer(65536);
    const stream = Buffer.from(`\r\n\r\n${msg('hello')}${msg('')}\r\n${msg('ünï')}`);
    const out: string[] = [];
    for (let i = 0; i < stream.length; i += 7)
      for (const m of f.push(stream.subarray(i, i + 7))) out.push(m.toString());
    expect(out).toEqual([msg('hello'), msg(''), msg('ünï')]);
  });

  it('throws a typed error when a message or an unfinished header section exceeds the bound', () => {
    expect(() => new StreamFramer(100).push(Buffer.from(msg('x'.repeat(200))))).toThrow(
      expect.objectContaining({ code: 'sip-too-large' }),
    );
    expect(() => new StreamFramer(100).push(Buffer.alloc(200, 65))).toThrow(
      expect.objectContaining({ code: 'sip-too-large' }),
    );
  });
});
