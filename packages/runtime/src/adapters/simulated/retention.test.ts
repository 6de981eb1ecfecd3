/**
 * What the simulated network holds on to: parties of live legs, and a bounded tail of parties
 * whose call ended (however it ended), so a long run keeps `keepEnded` transcripts, not all.
 */
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../clock/virtual.js';
import type { MediaLeg } from '../../media/types.js';
import { INSTANT_TIMING } from './leg.js';
import { SimulatedNetwork } from './network.js';

const never = new AbortController().signal;

async function answered(network: SimulatedNetwork, to: string): Promise<MediaLeg> {
  const result = await network.originate({ to: { kind: 'number', value: to }, from: '+1', timeoutMs: 1000 }, never);
  if (result.outcome !== 'answered') throw new Error('expected an answer');
  return result.leg;
}

describe('the simulated network’s memory of parties', () => {
  it('keeps the most recent ended parties and every live one, whichever side ended the call', async () => {
    const network = new SimulatedNetwork({ clock: new VirtualClock(0), timing: INSTANT_TIMING, keepEnded: 3 });
    network.addNumber('+20', { onCall: 'busy' });
    const live = await answered(network, '+10');
    // Calls ended by a hang-up here, one never answered (busy), and an inbound caller still live.
    for (let i = 1; i <= 4; i++) {
      const leg = await answered(network, `+1${i}`);
      await leg.say('x'.repeat(60_000), { voice: 'alice', language: 'en-US' }, never);
      await leg.hangup();
    }
    const inbound = network.call({ from: '+30', to: '+31' });
    expect(inbound.address).toBe('+30');
    expect(
      (await network.originate({ to: { kind: 'number', value: '+20' }, from: '+1', timeoutMs: 1000 }, never)).outcome,
    ).toBe('busy');

    const addresses = network.parties.map((party) => party.address);
    expect(addresses).toContain('+10');
    expect(network.party('+14')?.transcript.map((entry) => entry.type)).toEqual([
      'ringing',
      'answered',
      'heard-speech',
      'disconnected',
    ]);
    expect(network.party('+20')?.transcript.map((entry) => entry.type)).toEqual(['ringing', 'busy']);
    expect(network.party('+11')).toBeUndefined();
    // The live inbound caller (nobody answered or rejected it yet) and the live +10 stay; three ended ones are kept.
    expect(addresses).toEqual(['+10', '+13', '+14', '+30', '+20']);
    await live.hangup();
    // The one that ended last is kept; the one that ended first goes.
    expect(network.parties.map((party) => party.address)).toEqual(['+10', '+14', '+30', '+20']);
  });

  it('lets go of both sides of an on-net call that was never answered', async () => {
    const network = new SimulatedNetwork({ clock: new VirtualClock(0), timing: INSTANT_TIMING, keepEnded: 0 });
    const request = { to: { kind: 'number', value: '+15550100' }, from: '+15550199', timeoutMs: 1000 } as const;
    const { callee, outcome } = network.link(request, new AbortController().signal);
    await callee.reject('busy');
    expect((await outcome).outcome).toBe('busy');
    expect(network.parties).toEqual([]);
  });
});
