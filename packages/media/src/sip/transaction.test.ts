import { describe, expect, it } from 'vitest';
import { ClientTransaction, type TransactionContext } from './client-transaction.js';
import { SipHeaders } from './headers.js';
import { buildResponse, type SipRequest, type SipResponse } from './message.js';
import { ServerTransaction } from './server-transaction.js';
import { DEFAULT_TIMER_CONFIG, VirtualTimers } from './timers.js';
import type { Destination, Source } from './transport.js';

const request = (method: string): SipRequest => {
  const headers = new SipHeaders()
    .set('via', 'SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKtest')
    .set('from', '<sip:a@h>;tag=1')
    .set('to', '<sip:b@h>')
    .set('call-id', 'c')
    .set('cseq', `1 ${method}`);
  return { kind: 'request', method, uri: 'sip:b@h', headers, body: '' };
};

function setup(transport: 'udp' | 'tcp' = 'udp') {
  const timers = new VirtualTimers();
  const sent: Array<{ at: number; what: string }> = [];
  const ctx: TransactionContext & { respond(r: SipResponse, s: Source): void } = {
    timers,
    config: DEFAULT_TIMER_CONFIG,
    send: (m) => sent.push({ at: timers.now(), what: m.kind === 'request' ? m.method : String(m.status) }),
    respond: (r) => sent.push({ at: timers.now(), what: String(r.status) }),
  };
  const dest: Destination = { transport, host: '127.0.0.2', port: 5060 };
  const source: Source = {
    transport,
    address: '127.0.0.2',
    port: 5060,
    local: { transport, host: '127.0.0.1', port: 5060 },
  };
  return { timers, sent, ctx, dest, source };
}

describe('INVITE client transaction', () => {
  it('retransmits on timer A (500, 1000, 2000 ... ms) and times out on B at 32 s', () => {
    const { timers, sent, ctx, dest } = setup();
    let timedOut = -1;
    const tx = new ClientTransaction(ctx, request('INVITE'), dest, {
      onResponse: () => {},
      onTimeout: () => (timedOut = timers.now()),
    });
    tx.start();
    timers.advance(40_000);
    expect(sent.map((s) => s.at)).toEqual([0, 500, 1500, 3500, 7500, 15500, 31500]);
    expect(timedOut).toBe(32_000);
    expect(tx.state).toBe('terminated');
  });

  it('stops retransmitting on a provisional, ACKs a failure once per retransmission, and ends after D', () => {
    const { timers, sent, ctx, dest } = setup();
    const seen: number[] = [];
    const inv = request('INVITE');
    const tx = new ClientTransaction(ctx, inv, dest, { onResponse: (r) => seen.push(r.status), onTimeout: () => {} });
    tx.start();
    timers.advance(600);
    tx.receive(buildResponse(inv, 180, undefined, 'x'));
    timers.advance(10_000);
    expect(sent.map((s) => s.what)).toEqual(['INVITE', 'INVITE']);
    tx.receive(buildResponse(inv, 486, undefined, 'x'));
    tx.receive(buildResponse(inv, 486, undefined, 'x'));
    expect(sent.map((s) => s.what)).toEqual(['INVITE', 'INVITE', 'ACK', 'ACK']);
    expect(seen).toEqual([180, 486]);
    timers.advance(32_000);
    expect(tx.state).toBe('terminated');
  });

  it('passes 2xx retransmissions to the TU while Accepted (RFC 6026) and sends nothing on TCP', () => {
    const { timers, sent, ctx, dest } = setup('tcp');
    const seen: number[] = [];
    const inv = request('INVITE');
    const tx = new ClientTransaction(ctx, inv, dest, { onResponse: (r) => seen.push(r.status), onTimeout: () => {} });
    tx.start();
    timers.advance(5000);
    tx.receive(buildResponse(inv, 200, undefined, 'x'));
    tx.receive(buildResponse(inv, 200, undefined, 'x'));
    expect(seen).toEqual([200, 200]);
    expect(sent).toHaveLength(1);
    timers.advance(32_000);
    expect(tx.state).toBe('terminated');
  });
});

describe('non-INVITE client transaction', () => {
  it('retransmits on timer E doubling up to T2 and times out on F at 32 s', () => {
    const { timers, sent, ctx, dest } = setup();
    let timedOut = -1;
    const tx = new ClientTransaction(ctx, request('OPTIONS'), dest, {
      onResponse: () => {},
      onTimeout: () => (timedOut = timers.now()),
    });
    tx.start();
    timers.advance(40_000);
    expect(sent.map((s) => s.at)).toEqual([0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
    expect(timedOut).toBe(32_000);
  });

  it('retransmits every T2 once proceeding and waits T4 (timer K) after the final', () => {
    const { timers, sent, ctx, dest } = setup();
    const bye = request('BYE');
    const tx = new ClientTransaction(ctx, bye, dest, { onResponse: () => {}, onTimeout: () => {} });
    tx.start();
    timers.advance(100);
    tx.receive(buildResponse(bye, 100));
    timers.advance(9000);
    expect(sent.map((s) => s.at)).toEqual([0, 500, 4500, 8500]);
    tx.receive(buildResponse(bye, 200, undefined, 't'));
    timers.advance(4999);
    expect(tx.state).toBe('completed');
    timers.advance(1);
    expect(tx.state).toBe('terminated');
  });
});

describe('INVITE server transaction', () => {
  it('retransmits a failure on G (500 doubling to 4000 ms) until H at 32 s without ACK', () => {
    const { timers, sent, ctx, source } = setup();
    const inv = request('INVITE');
    let ackTimeout = -1;
    const tx = new ServerTransaction(ctx, inv, source, { onAckTimeout: () => (ackTimeout = timers.now()) });
    tx.respond(buildResponse(inv, 486, undefined, 't'));
    timers.advance(40_000);
    expect(sent.map((s) => s.at)).toEqual([0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
    expect(ackTimeout).toBe(32_000);
  });

  it('stops on ACK, absorbs it for T4 (timer I), and answers a retransmitted INVITE with the last response', () => {
    const { timers, sent, ctx, source } = setup();
    const inv = request('INVITE');
    const tx = new ServerTransaction(ctx, inv, source);
    tx.respond(buildResponse(inv, 180, undefined, 't'));
    tx.receiveRetransmission();
    expect(sent.map((s) => s.what)).toEqual(['180', '180']);
    tx.respond(buildResponse(inv, 603, undefined, 't'));
    timers.advance(600);
    tx.receiveAck();
    timers.advance(10_000);
    expect(sent.map((s) => s.what)).toEqual(['180', '180', '603', '603']);
    expect(tx.state).toBe('terminated');
  });
});

describe('non-INVITE server transaction', () => {
  it('resends its final to retransmissions until J (64*T1 on UDP, 0 on TCP)', () => {
    const udp = setup();
    const opt = request('OPTIONS');
    const tx = new ServerTransaction(udp.ctx, opt, udp.source);
    tx.respond(buildResponse(opt, 200));
    tx.receiveRetransmission();
    expect(udp.sent.map((s) => s.what)).toEqual(['200', '200']);
    udp.timers.advance(31_999);
    expect(tx.state).toBe('completed');
    udp.timers.advance(1);
    expect(tx.state).toBe('terminated');
    const tcp = setup('tcp');
    const tx2 = new ServerTransaction(tcp.ctx, opt, tcp.source);
    tx2.respond(buildResponse(opt, 200));
    tcp.timers.advance(0);
    expect(tx2.state).toBe('terminated');
  });
});
