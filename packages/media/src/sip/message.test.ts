import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SipParseError } from './errors.js';
import { buildResponse, parseMessage, type SipRequest, serialize } from './message.js';

const INVITE = [
  'INVITE sip:bob@127.0.0.1 SIP/2.0',
  'v: SIP/2.0/UDP 127.0.0.2:5060;branch=z9hG4bK1, SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK0',
  'Max-Forwards: 70',
  'f: "Alice" <sip:alice@127.0.0.2>;tag=a1',
  't: <sip:bob@127.0.0.1>',
  'i: call-1',
  'CSeq: 1 INVITE',
  'Subject: a folded',
  '  header line',
  'm: <sip:alice@127.0.0.2>',
  'c: application/sdp',
  'l: 4',
  '',
  'v=0\r\nextra',
].join('\r\n');

const parse = (s: string) => parseMessage(Buffer.from(s));

describe('parseMessage', () => {
  it('expands compact names, splits Via lists, joins folded lines, cuts the body at Content-Length', () => {
    const m = parse(INVITE) as SipRequest;
    expect(m.kind).toBe('request');
    expect(m.method).toBe('INVITE');
    expect(m.headers.getAll('via')).toEqual([
      'SIP/2.0/UDP 127.0.0.2:5060;branch=z9hG4bK1',
      'SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK0',
    ]);
    expect(m.headers.get('Call-ID')).toBe('call-1');
    expect(m.headers.get('subject')).toBe('a folded header line');
    expect(m.body).toBe('v=0\r');
  });

  it('round-trips through serialize with a recomputed Content-Length', () => {
    const m = parse(INVITE);
    const again = parseMessage(serialize(m));
    expect(again.headers.get('content-length')).toBe('4');
    expect(again.headers.getAll('via')).toEqual(m.headers.getAll('via'));
    expect(serialize(m).toString()).toContain('Call-ID: call-1\r\n');
  });

  it('parses responses', () => {
    const r = parse(
      'SIP/2.0 180 Ringing\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKx\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>;tag=2\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\n\r\n',
    );
    expect(r).toMatchObject({ kind: 'response', status: 180, reason: 'Ringing' });
  });

  it.each([
    ['garbage start line', 'HELLO\r\n\r\n', 'sip-bad-start-line'],
    ['Content-Length past the end', INVITE.replace('l: 4', 'l: 400'), 'sip-bad-content-length'],
    ['missing Call-ID', INVITE.replace('i: call-1\r\n', ''), 'sip-missing-header'],
    ['bad CSeq', INVITE.replace('CSeq: 1 INVITE', 'CSeq: x INVITE'), 'sip-bad-header'],
    ['CSeq method mismatch', INVITE.replace('CSeq: 1 INVITE', 'CSeq: 1 BYE'), 'sip-bad-header'],
    ['header without colon', INVITE.replace('Max-Forwards: 70', 'Max-Forwards 70'), 'sip-bad-header'],
  ])('rejects %s with a typed error', (_, text, code) => {
    expect(() => parse(text)).toThrow(SipParseError);
    try {
      parse(text);
    } catch (e) {
      expect((e as SipParseError).code).toBe(code);
    }
  });

  it('keeps enough of a malformed request to answer it 400', () => {
    try {
      parse(INVITE.replace('l: 4', 'l: 400'));
      expect.unreachable();
    } catch (e) {
      const partial = (e as SipParseError).partial;
      expect(partial?.method).toBe('INVITE');
      const res = buildResponse(partial as SipRequest, 400);
      expect(res.headers.get('call-id')).toBe('call-1');
    }
  });

  it('rejects messages over the size limit', () => {
    expect(() => parseMessage(Buffer.alloc(70_000, 65))).toThrow(expect.objectContaining({ code: 'sip-too-large' }));
    const big = INVITE.replace('Max-Forwards: 70', `Max-Forwards: 70\r\nX-Pad: ${'a'.repeat(3000)}`);
    expect(() => parseMessage(Buffer.from(big), { maxBytes: 2000 })).toThrow(
      expect.objectContaining({ code: 'sip-too-large', partial: expect.objectContaining({ method: 'INVITE' }) }),
    );
  });

  it('never throws anything but SipParseError, whatever the bytes', () => {
    const lines = fc.array(
      fc.oneof(
        fc.string(),
        fc.constantFrom(
          'Via: SIP/2.0/UDP h;branch=1',
          'CSeq: 1 INVITE',
          'l: 9',
          'i: x',
          ' folded',
          'f: <sip:a@b>',
          't: sip:x',
        ),
      ),
      { maxLength: 12 },
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 600 }).map((a) => Buffer.from(a)),
          lines.map((ls) => Buffer.from(`INVITE sip:a@b SIP/2.0\r\n${ls.join('\r\n')}\r\n\r\nbody`)),
        ),
        (buf) => {
          try {
            parseMessage(buf);
          } catch (e) {
            if (!(e instanceof SipParseError)) throw e;
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
