import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../clock/virtual.js';
import { runMediaAdapterConformance } from '../../testing/media-conformance.js';
import { simulatedHarness } from './harness.js';
import { INSTANT_TIMING } from './leg.js';
import { SimulatedNetwork } from './network.js';

runMediaAdapterConformance('simulated network', simulatedHarness);

describe('simulated network', () => {
  it('keeps a transcript of what each party heard and did, on the network clock', async () => {
    const clock = new VirtualClock(0);
    const network = new SimulatedNetwork({ clock });
    network.addNumber('+15550100', { ringMs: 4000 });
    const result = await network.originate(
      { to: { kind: 'number', value: '+15550100' }, from: '+1', timeoutMs: 30000 },
      new AbortController().signal,
    );
    if (result.outcome !== 'answered') throw new Error('expected an answer');
    await result.leg.say('Your order has shipped', { voice: 'alice', language: 'en-GB' }, new AbortController().signal);
    await result.leg.hangup();
    expect(network.party('+15550100')?.transcript).toEqual([
      { at: 0, type: 'ringing' },
      { at: 4000, type: 'answered' },
      { at: 4000, type: 'heard-speech', text: 'Your order has shipped', voice: 'alice', language: 'en-GB' },
      { at: 5200, type: 'disconnected' },
    ]);
  });

  it('lets client identities nobody added ring out unanswered', async () => {
    const network = new SimulatedNetwork({ clock: new VirtualClock() });
    const result = await network.originate(
      { to: { kind: 'client', value: 'nobody' }, from: '+1', timeoutMs: 20000 },
      new AbortController().signal,
    );
    expect(result.outcome).toBe('no-answer');
  });

  it('takes no time with instant timing', async () => {
    const clock = new VirtualClock(0);
    const network = new SimulatedNetwork({ clock, timing: INSTANT_TIMING });
    const party = network.call({ from: '+1', to: '+2' });
    expect(party.address).toBe('+1');
    const result = await network.originate(
      { to: { kind: 'number', value: '+3' }, from: '+1', timeoutMs: 1000 },
      new AbortController().signal,
    );
    if (result.outcome !== 'answered') throw new Error('expected an answer');
    await result.leg.play('https://a/b.mp3', new AbortController().signal);
    expect(clock.now()).toBe(0);
  });
});
