import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../clock/virtual.js';
import type { MediaLeg } from '../../media/types.js';
import { runMediaAdapterConformance } from '../../testing/media-conformance.js';
import { simulatedHarness } from './harness.js';
import { INSTANT_TIMING, type SimulatedLeg } from './leg.js';
import { SimulatedNetwork } from './network.js';
import { Party } from './party.js';

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

  it('heard() waits for a party that no call has reached yet', async () => {
    const network = new SimulatedNetwork({ clock: new VirtualClock(0), timing: INSTANT_TIMING });
    let heard: string | undefined;
    const waiting = network
      .heard('+2', (entry) => entry.type === 'answered')
      .then((entry) => {
        heard = entry.type;
      });
    await Promise.resolve();
    expect(heard).toBeUndefined();
    const inbound = new Promise<MediaLeg>((resolve) => network.events.once('incoming', (leg) => resolve(leg)));
    network.call({ from: '+2', to: '+3' });
    await (await inbound).answer();
    await waiting;
    expect(heard).toBe('answered');
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

  it('writes every transcript entry as a line: text quoted, details in parentheses, durations with units', () => {
    const party = new Party('+1', {}, () => 0);
    const entries = [
      { type: 'heard-speech', text: 'Welcome to "Acme"', voice: 'alice', language: 'en-US' },
      { type: 'heard-speech', text: 'Hello from a person' },
      { type: 'said', text: 'sales please' },
      { type: 'heard-audio', url: 'https://a/b.mp3' },
      { type: 'played', url: 'https://a/c.mp3' },
      { type: 'heard-digits', digits: '1w2' },
      { type: 'pressed', digits: '2#' },
      { type: 'recorded', durationMs: 3240 },
      { type: 'recorded', durationMs: 4000 },
      { type: 'bridged', with: '+15550100' },
      { type: 'joined', room: 'standup' },
      { type: 'held', room: 'standup' },
      { type: 'heard-beep' },
      { type: 'hung-up' },
    ] as const;
    for (const entry of entries) party.note(entry);
    expect(party.lines()).toEqual([
      'heard-speech "Welcome to \\"Acme\\"" (voice alice, en-US)',
      'heard-speech "Hello from a person"',
      'said "sales please"',
      'heard-audio https://a/b.mp3',
      'played https://a/c.mp3',
      'heard-digits 1w2',
      'pressed 2#',
      'recorded 3.2 s',
      'recorded 4 s',
      'bridged +15550100',
      'joined standup',
      'held standup',
      'heard-beep',
      'hung-up',
    ]);
  });

  it('carries media across a bridge and a room: each party hears what the others do', async () => {
    const clock = new VirtualClock(0);
    const network = new SimulatedNetwork({ clock, timing: INSTANT_TIMING });
    network.addNumber('+15550100', {
      script: [
        { type: 'say', text: 'Agent here' },
        { type: 'press', digits: '9' },
      ],
    });
    const inbound = new Promise<MediaLeg>((resolve) => network.events.once('incoming', (leg) => resolve(leg)));
    network.call({ from: '+15550199', to: '+15550001', script: [{ type: 'wait' }, { type: 'press', digits: '5' }] });
    const caller = await inbound;
    await caller.answer();
    const agent = await network.originate(
      { to: { kind: 'number', value: '+15550100' }, from: '+15550001', timeoutMs: 1000 },
      new AbortController().signal,
    );
    if (agent.outcome !== 'answered') throw new Error('expected an answer');
    const bridge = network.bridge(caller, agent.leg);
    await network.heard('+15550199', (entry) => entry.type === 'heard-digits');
    await network.heard('+15550100', (entry) => entry.type === 'heard-digits');
    bridge.close();
    expect(network.party('+15550199')?.lines()).toEqual([
      'answered',
      'bridged +15550100',
      'heard-speech "Agent here"',
      'pressed 5',
      'heard-digits 9',
      'unbridged +15550100',
    ]);
    expect(network.party('+15550100')?.lines()).toContain('heard-digits 5');

    const room = network.createMixer('standup');
    room.join(caller, { muted: true });
    room.join(agent.leg, { muted: false });
    await agent.leg.sendDigits('0', new AbortController().signal);
    (agent.leg as SimulatedLeg).perform({ kind: 'speech', text: 'Morning all' });
    (caller as SimulatedLeg).perform({ kind: 'speech', text: 'Not heard: muted' });
    expect(network.party('+15550199')?.lines()).toContain('heard-speech "Morning all"');
    expect(network.party('+15550100')?.lines()).not.toContain('heard-speech "Not heard: muted"');
  });

  it("scopes scripted numbers to the account that placed the call, ahead of everyone's", async () => {
    const network = new SimulatedNetwork({ clock: new VirtualClock(), timing: INSTANT_TIMING });
    const to = { kind: 'number', value: '+15550100' } as const;
    network.addNumber('+15550100', { onCall: 'busy' }, { account: 'ACone' });
    network.addNumber('+15550100', { onCall: 'fail' });
    const call = (account?: string) =>
      network.originate(
        { to, from: '+1', timeoutMs: 1000, ...(account ? { account } : {}) },
        new AbortController().signal,
      );
    expect((await call('ACone')).outcome).toBe('busy');
    expect((await call('ACtwo')).outcome).toBe('failed');
    expect(network.removeNumber('+15550100', { account: 'ACone' })).toBe(true);
    expect((await call('ACone')).outcome).toBe('failed');
  });

  it('never sends media round in circles: both sides of an on-net call in one room hear it once', async () => {
    const network = new SimulatedNetwork({ clock: new VirtualClock(0), timing: INSTANT_TIMING });
    const request = { to: { kind: 'number', value: '+15550100' }, from: '+15550199', timeoutMs: 1000 } as const;
    const { callee, outcome } = network.link(request, new AbortController().signal);
    await callee.answer();
    const answered = await outcome;
    if (answered.outcome !== 'answered') throw new Error('expected an answer');
    const room = network.createMixer('loop');
    room.join(answered.leg, { muted: false });
    room.join(callee, { muted: false });
    await answered.leg.say('Hello room', { voice: 'alice', language: 'en-US' }, new AbortController().signal);
    const about = (address: string) =>
      network
        .party(address)
        ?.lines()
        .filter((line) => line.includes('Hello room'));
    // The callee's app heard it (once), and its side says the caller's app said it (once).
    expect(about('+15550100')).toEqual(['heard-speech "Hello room" (voice alice, en-US)']);
    expect(about('+15550199')).toEqual(['said "Hello room"']);
  });
});
