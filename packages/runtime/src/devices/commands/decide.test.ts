import { readForm } from '@patchbay/sdk/protocol';
import { describe, expect, it } from 'vitest';
import { attempted, DEFAULT_POLICY, onDue, Settled, settle, waitAfter } from './decide.js';
import { commandForms } from './delivery.js';
import type { CommandRecord } from './records.js';

const command = (seq: number, more: Partial<CommandRecord> = {}): CommandRecord => ({
  sid: `DC${String(seq).padStart(32, '0')}`,
  accountSid: `AC${'0'.repeat(32)}`,
  createdAt: 0,
  deviceSid: `DV${'0'.repeat(32)}`,
  seq,
  action: 'beep',
  params: { n: String(seq) },
  status: 'pending',
  open: true,
  attempts: 0,
  nextAttemptAt: 0,
  expiresAt: 86_400_000,
  resultCallbackMethod: 'POST',
  updatedAt: 0,
  ...more,
});

describe('the decisions on a command', () => {
  it('waits twice as long after each attempt, up to the cap, and expires once the attempts are spent', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => waitAfter(n, DEFAULT_POLICY))).toEqual([
      30_000, 60_000, 120_000, 240_000, 480_000, 960_000, 1_800_000, 1_800_000,
    ]);
    let record = command(1);
    for (let i = 0; i < DEFAULT_POLICY.attempts; i++) {
      expect(onDue(record, record.nextAttemptAt ?? 0, DEFAULT_POLICY)).toBe('resend');
      record = attempted(record, 'sms', record.nextAttemptAt ?? 0, DEFAULT_POLICY);
    }
    expect(record).toMatchObject({ status: 'delivered', attempts: 6, deliveredVia: 'sms' });
    expect(onDue(record, record.nextAttemptAt ?? 0, DEFAULT_POLICY)).toBe('expire');
    expect(onDue(command(2, { expiresAt: 10 }), 10, DEFAULT_POLICY)).toBe('expire');
    expect(onDue(command(3, { nextAttemptAt: 500 }), 499, DEFAULT_POLICY)).toBe('wait');
  });

  it('settles once: a second result, a resend or a cancel after it is refused', () => {
    const done = settle(command(1), { status: 'completed', result: { ok: '1' } }, 5);
    expect(done).toMatchObject({ status: 'completed', open: false, settledAt: 5, result: { ok: '1' } });
    expect(done.nextAttemptAt).toBeUndefined();
    expect(() => settle(done, { status: 'failed', error: 'x' }, 6)).toThrow(Settled);
    const reached = attempted(done, 'channel', 6, DEFAULT_POLICY);
    expect(() => attempted(reached, 'channel', 7, DEFAULT_POLICY)).toThrow(Settled);
    expect(() => settle(done, { status: 'canceled' }, 6)).toThrow(Settled);
    expect(onDue(done, 1e12, DEFAULT_POLICY)).toBe('none');
  });

  it("records the delivery a device's result overtook, and nothing more", () => {
    // The device answered before its delivery was recorded (at once, or through another node).
    const done = settle(command(1), { status: 'completed', result: { ok: '1' } }, 5);
    expect(attempted(done, 'channel', 6, DEFAULT_POLICY)).toMatchObject({
      status: 'completed',
      open: false,
      result: { ok: '1' },
      attempts: 1,
      deliveredVia: 'channel',
      deliveredAt: 5,
    });
    // A command settled without the device (canceled, expired) was not reached by it.
    expect(() => attempted(settle(command(2), { status: 'canceled' }, 5), 'channel', 6, DEFAULT_POLICY)).toThrow(
      Settled,
    );
  });
});

describe('the forms a wake-up sends', () => {
  const secret = 'device-secret';
  it('batches consecutive commands, writes short gaps as ~, starts a new text after a long gap', async () => {
    const forms = await commandForms(secret, [command(1), command(2), command(4), command(20)], 459, 5);
    expect(forms.map((form) => form.replace(/^(PBC1 \S+) \S+/, '$1'))).toEqual([
      'PBC1 1 beep?n=1 beep?n=2 ~ beep?n=4',
      'PBC1 14 beep?n=20',
    ]);
    for (const form of forms) expect((await readForm(secret, form)).ok).toBe(true);
  });

  it('sends a command too large as @, and @ after the last text when more than fit', async () => {
    const large = command(1, { params: { text: 'x'.repeat(500) } });
    expect(
      (await commandForms(secret, [large, command(2)], 459, 5)).map((form) => form.split(' ').slice(3).join(' ')),
    ).toEqual(['@ beep?n=2']);
    const many = Array.from({ length: 200 }, (_, i) => command(i + 1));
    const forms = await commandForms(secret, many, 100, 2);
    expect(forms).toHaveLength(2);
    expect(forms.at(-1)?.endsWith(' @')).toBe(true);
    for (const form of forms) expect(form.length).toBeLessThanOrEqual(100);
  });
});
