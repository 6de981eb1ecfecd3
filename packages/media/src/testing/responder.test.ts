import { afterEach, describe, expect, it } from 'vitest';
import { type Phone, startPhone } from './baresip.js';
import { respondScenario, startResponder } from './responder.js';
import type { SippProcess } from './sipp.js';

const phones: Phone[] = [];
const sipps: SippProcess[] = [];
afterEach(async () => {
  await Promise.all(phones.splice(0).map((p) => p.close()));
  await Promise.all(sipps.splice(0).map((s) => s.kill()));
});

describe('responder (sipp ringing, then refusing)', { timeout: 15_000 }, () => {
  it('refuses a phone with the response asked for, after ringing', async () => {
    const decline = await startResponder({ local: '127.0.0.5', code: 603, reason: 'Decline', ringMs: 300 });
    sipps.push(decline);
    const phone = await startPhone({ address: '127.0.0.2' });
    phones.push(phone);
    const started = Date.now();
    await phone.dial(`sip:+15550100100@${decline.target}`);
    await phone.waitFor('ringing');
    expect(await phone.waitFor('closed')).toBe('603 Decline');
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it('answers a CANCEL while ringing with 487, and the caller sees the call end', async () => {
    const slow = await startResponder({
      local: '127.0.0.5',
      code: 480,
      reason: 'Temporarily Unavailable',
      ringMs: 10_000,
    });
    sipps.push(slow);
    const phone = await startPhone({ address: '127.0.0.2' });
    phones.push(phone);
    await phone.dial(`sip:+15550100100@${slow.target}`);
    await phone.waitFor('ringing');
    await phone.hangup();
    await phone.waitFor('closed');
    expect((await slow.kill()).successful).toBe(1);
  });

  it('refuses to write a scenario from unsafe values', () => {
    expect(() => respondScenario({ code: 200 })).toThrow(RangeError);
    expect(() => respondScenario({ code: 486, reason: 'Busy]]><send>' })).toThrow(RangeError);
    expect(respondScenario({ code: 486, reason: 'Busy Here' })).toContain('SIP/2.0 486 Busy Here');
  });
});
