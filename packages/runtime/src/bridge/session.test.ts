import { describe, expect, it } from 'vitest';
import type { VerifiedToken } from './access-tokens.js';
import { receiveMessage } from './receive.js';
import { DeviceSession, type Link, RATE } from './session.js';

const token: VerifiedToken = {
  identity: 'alice',
  accountSid: `AC${'a'.repeat(32)}`,
  keySid: `SK${'b'.repeat(32)}`,
  expiresAt: 10_000_000,
  incoming: true,
  authToken: 'x',
  jwt: 'a.b.c',
};

describe('DeviceSession', () => {
  it('allows a burst, then the sustained rate', () => {
    const session = new DeviceSession(token, 0);
    let allowed = 0;
    for (let i = 0; i < RATE.burst + 20; i++) if (session.spend(0)) allowed++;
    expect(allowed).toBe(RATE.burst);
    expect(session.spend(0)).toBe(false);
    // A second later, a second's worth is back.
    let refilled = 0;
    for (let i = 0; i < RATE.burst; i++) if (session.spend(1000)) refilled++;
    expect(refilled).toBe(RATE.perSecond);
  });

  it('numbers what it sends, keeps it until acknowledged, and sends what came after `received` on attach', () => {
    const session = new DeviceSession(token, 0);
    for (const callSid of ['CA1', 'CA2', 'CA3'])
      session.push({ type: 'call', callSid: `CA${callSid.slice(2).padStart(32, '0')}`, state: 'open' });
    const sent: unknown[] = [];
    const link: Link = { send: (message) => sent.push(message), close: () => {} };
    session.attach(link, 1, 0);
    expect(sent.map((message) => (message as { seq: number }).seq)).toEqual([2, 3]);
    session.ack(3);
    expect(session.pending(0, 0)).toEqual([]);
    // Expired messages are not sent again.
    session.push({ type: 'cancel', callSid: `CA${'9'.repeat(32)}`, reason: 'no-answer' }, 50);
    expect(session.pending(3, 49)).toHaveLength(1);
    expect(session.pending(3, 50)).toHaveLength(0);
    // A request id is carried out once.
    expect(session.firstTime('r1')).toBe(true);
    expect(session.firstTime('r1')).toBe(false);
  });

  it('takes nothing from the budget for acks of what the server sent, and counts a repeated one', () => {
    const session = new DeviceSession(token, 0);
    const sent: Array<{ type: string }> = [];
    const link: Link = { send: (message) => sent.push(message), close: () => {} };
    const receiver = { now: () => 0, push: () => {}, end: () => {}, requests: {} as never };
    // Three bursts' worth of messages in one instant (a busy room), each acked as it arrives.
    for (let seq = 1; seq <= RATE.burst * 3; seq++) {
      session.push({ type: 'call', callSid: `CA${String(seq).padStart(32, '0')}`, state: 'open' });
      receiveMessage(receiver, session, { type: 'ack', seq }, link);
    }
    expect(session.pending(0, 0)).toEqual([]);
    expect(sent.filter((message) => message.type === 'error')).toEqual([]);
    // The device's own budget is whole; an ack that confirms nothing new is counted like any message.
    for (let i = 0; i < RATE.burst; i++) receiveMessage(receiver, session, { type: 'ack', seq: 1 }, link);
    expect(sent.filter((message) => message.type === 'error')).toEqual([]);
    receiveMessage(receiver, session, { type: 'ack', seq: 1 }, link);
    expect(sent.filter((message) => message.type === 'error')).toHaveLength(1);
  });
});
