import { describe, expect, it } from 'vitest';
import { AckWait } from './ack-wait.js';
import type { SipCore } from './core.js';
import { SipHeaders } from './headers.js';
import { buildResponse, type SipRequest } from './message.js';
import { ServerTransaction } from './server-transaction.js';
import { DEFAULT_TIMER_CONFIG, VirtualTimers } from './timers.js';
import type { Source } from './transport.js';

function setup() {
  const timers = new VirtualTimers();
  const sent: number[] = [];
  const ctx = { timers, config: DEFAULT_TIMER_CONFIG, send: () => {}, respond: () => sent.push(timers.now()) };
  const core = { timers, options: { config: DEFAULT_TIMER_CONFIG }, ctx } as unknown as SipCore;
  const headers = new SipHeaders()
    .set('via', 'SIP/2.0/UDP h;branch=z9hG4bKa')
    .set('from', '<sip:a@h>;tag=1')
    .set('to', '<sip:b@h>')
    .set('call-id', 'c')
    .set('cseq', '7 INVITE');
  const invite: SipRequest = { kind: 'request', method: 'INVITE', uri: 'sip:b@h', headers, body: '' };
  const source: Source = {
    transport: 'udp',
    address: '127.0.0.2',
    port: 5060,
    local: { transport: 'udp', host: '127.0.0.1', port: 5060 },
  };
  const tx = new ServerTransaction(ctx, invite, source);
  return { timers, sent, acks: new AckWait(core), tx, ok: buildResponse(invite, 200, undefined, 't') };
}

describe('2xx retransmission until ACK (UAS)', () => {
  it('retransmits at T1 doubling to T2 and gives up at 64*T1 with sip-timeout', async () => {
    const { timers, sent, acks, tx, ok } = setup();
    const result = acks.send(tx, ok).catch((e) => e);
    timers.advance(40_000);
    expect(sent).toEqual([0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
    expect(await result).toMatchObject({ code: 'sip-timeout' });
  });

  it('stops at the ACK with the same CSeq and ignores others', async () => {
    const { timers, sent, acks, tx, ok } = setup();
    const result = acks.send(tx, ok);
    timers.advance(600);
    acks.acked(6);
    timers.advance(1000);
    acks.acked(7);
    timers.advance(40_000);
    await result;
    expect(sent).toEqual([0, 500, 1500]);
  });
});
