import { describe, expect, it } from 'vitest';
import type { VerifiedToken } from './access-tokens.js';
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
});
