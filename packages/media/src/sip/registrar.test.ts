import { describe, expect, it } from 'vitest';
import { SipHeaders } from './headers.js';
import type { SipRequest } from './message.js';
import { Registrar } from './registrar.js';
import { VirtualTimers } from './timers.js';
import type { Source } from './transport.js';

const source: Source = {
  transport: 'udp',
  address: '203.0.113.7',
  port: 40123,
  local: { transport: 'udp', host: '127.0.0.1', port: 5060 },
};
let cseq = 0;
const register = (contacts: string[], expires?: number, callId = 'reg-1'): SipRequest => {
  const h = new SipHeaders()
    .set('via', 'SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bKr')
    .set('from', '<sip:alice@pb.test>;tag=1')
    .set('to', '<sip:alice@pb.test>')
    .set('call-id', callId)
    .set('cseq', `${++cseq} REGISTER`);
  if (contacts.length > 0) h.set('contact', contacts);
  if (expires !== undefined) h.set('expires', String(expires));
  return { kind: 'request', method: 'REGISTER', uri: 'sip:pb.test', headers: h, body: '' };
};

describe('Registrar', () => {
  it('binds a contact with the source it came from and expires it on the timers', () => {
    const timers = new VirtualTimers();
    const r = new Registrar({ timers });
    const answer = r.handle(register(['<sip:alice@10.0.0.5:5060>'], 120), source);
    expect(answer).toEqual({ status: 200, headers: { contact: ['<sip:alice@10.0.0.5:5060>;expires=120'] } });
    expect(r.lookup('sip:alice@pb.test')).toMatchObject([
      { uri: { host: '10.0.0.5' }, source: { address: '203.0.113.7', port: 40123 } },
    ]);
    timers.advance(119_999);
    expect(r.lookup('alice@pb.test')).toHaveLength(1);
    timers.advance(1);
    expect(r.lookup('alice@pb.test')).toEqual([]);
  });

  it('answers 423 with Min-Expires below the minimum and clamps to the maximum', () => {
    const r = new Registrar({ timers: new VirtualTimers(), minExpiresS: 60, maxExpiresS: 600 });
    expect(r.handle(register(['<sip:alice@10.0.0.5>'], 30), source)).toEqual({
      status: 423,
      headers: { 'min-expires': '60' },
    });
    expect(r.handle(register(['<sip:alice@10.0.0.5>;expires=9999'], undefined), source).headers.contact).toEqual([
      '<sip:alice@10.0.0.5>;expires=600',
    ]);
  });

  it('refuses more bindings than allowed per AOR, and removes all with Contact: * and Expires: 0', () => {
    const r = new Registrar({ timers: new VirtualTimers(), maxBindingsPerAor: 2 });
    expect(r.handle(register(['<sip:a@10.0.0.1>', '<sip:a@10.0.0.2>'], 300), source).status).toBe(200);
    expect(r.handle(register(['<sip:a@10.0.0.3>'], 300), source)).toMatchObject({ status: 403 });
    expect(r.handle(register(['*'], 300), source).status).toBe(400);
    expect(r.handle(register(['*'], 0), source).status).toBe(200);
    expect(r.lookup('alice@pb.test')).toEqual([]);
  });

  it('removes one binding with expires=0 and lists the rest on a query without Contact', () => {
    const r = new Registrar({ timers: new VirtualTimers() });
    r.handle(register(['<sip:a@10.0.0.1>', '<sip:a@10.0.0.2>'], 300), source);
    r.handle(register(['<sip:a@10.0.0.1>;expires=0'], 300), source);
    expect(r.handle(register([]), source).headers.contact).toEqual(['<sip:a@10.0.0.2>;expires=300']);
  });

  it('tells where it persists every change: new bindings, refreshes, removals and expiry', () => {
    const timers = new VirtualTimers();
    const r = new Registrar({ timers });
    const saved: Array<[string, string[]]> = [];
    r.persistTo((aor, bindings) => saved.push([aor, bindings.map((b) => b.uri.host)]));
    r.handle(register(['<sip:alice@10.0.0.5:5060>'], 120), source);
    r.handle(register(['<sip:alice@10.0.0.6:5060>'], 60), source);
    r.handle(register(['<sip:alice@10.0.0.6:5060>'], 0), source);
    timers.advance(120_000);
    r.handle(register(['<sip:alice@10.0.0.7:5060>'], 120), source);
    r.handle(register(['*'], 0), source);
    expect(saved).toEqual([
      ['alice@pb.test', ['10.0.0.5']],
      ['alice@pb.test', ['10.0.0.5', '10.0.0.6']],
      ['alice@pb.test', ['10.0.0.5']],
      ['alice@pb.test', []],
      ['alice@pb.test', ['10.0.0.7']],
      ['alice@pb.test', []],
    ]);
  });

  it('restores saved bindings for what is left of their time, without their TCP connection', () => {
    const timers = new VirtualTimers();
    const first = new Registrar({ timers });
    first.handle(register(['<sip:alice@10.0.0.5:5060;transport=tcp>'], 120), {
      ...source,
      transport: 'tcp',
      flowId: 'f1',
    });
    const saved = first.lookup('alice@pb.test');
    timers.advance(60_000);
    const second = new Registrar({ timers });
    second.restore('sip:Alice@pb.test', saved);
    second.restore(
      'bob@pb.test',
      saved.map((b) => ({ ...b, expiresAt: timers.now() })),
    );
    const [restored] = second.lookup('alice@pb.test');
    expect(restored).toMatchObject({ uri: { host: '10.0.0.5' }, source: { transport: 'tcp', address: '203.0.113.7' } });
    expect(restored?.source.flowId).toBeUndefined();
    expect(second.lookup('bob@pb.test')).toEqual([]);
    timers.advance(59_999);
    expect(second.lookup('alice@pb.test')).toHaveLength(1);
    timers.advance(1);
    expect(second.lookup('alice@pb.test')).toEqual([]);
  });
});
