import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../clock/virtual.js';
import type { MediaLeg } from '../../media/types.js';
import { REALISTIC_TIMING } from './leg.js';
import { SimulatedNetwork } from './network.js';
import { checkScript, parseScript, ScriptError } from './script.js';

const never = () => new AbortController().signal;

/** An inbound leg from a caller with `script`, answered at virtual time 0. */
async function callerWith(script: string) {
  const clock = new VirtualClock(0);
  const network = new SimulatedNetwork({ clock, timing: REALISTIC_TIMING });
  const leg = await new Promise<MediaLeg>((resolve) => {
    network.events.once('incoming', (incoming) => resolve(incoming));
    network.call({ from: '+15550001', to: '+15550002', script: parseScript(script) });
  });
  await leg.answer();
  return { clock, network, leg, party: network.party('+15550001') };
}

/** Keys heard while a window is open on `leg`, with their times. */
function keysOn(leg: MediaLeg, clock: VirtualClock): Array<[string, number]> {
  const keys: Array<[string, number]> = [];
  leg.events.on('dtmf', (digit) => keys.push([digit, clock.now()]));
  return keys;
}

describe('party scripts', () => {
  it('reads the compact form: steps split at ; and line breaks, quotes keep a ; in speech', () => {
    expect(parseScript('wait; press 1; say "sales; please"\npause 2.5; wait 1; press 2#; hangup')).toEqual([
      { type: 'wait' },
      { type: 'press', digits: '1' },
      { type: 'say', text: 'sales; please' },
      { type: 'pause', ms: 2500 },
      { type: 'pause', ms: 1000 },
      { type: 'press', digits: '2#' },
      { type: 'hangup' },
    ]);
    expect(parseScript(['say one; two', 'press 3'])).toEqual([
      { type: 'say', text: 'one; two' },
      { type: 'press', digits: '3' },
    ]);
  });

  it.each([
    ['press 1; prss 2', 2, 'unknown step "prss"'],
    ['press 1x', 1, 'press takes 1 to 64 keys'],
    ['say', 1, 'say takes text'],
    ['press 1; pause soon', 2, '"soon" is not a number of seconds'],
    ['pause 0', 1, 'is not a number of seconds'],
    ['pause 4000', 1, 'from 0.1 to 3600'],
    ['hangup now', 1, 'hangup takes nothing'],
    [Array.from({ length: 101 }, () => 'press 1').join(';'), 101, 'at most 100 steps'],
  ])('refuses %j with a typed error naming step %i', (script, step, reason) => {
    let error: unknown;
    try {
      parseScript(script);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ScriptError);
    expect(error).toMatchObject({ code: 'invalid-script', numericCode: 21200, step });
    expect((error as ScriptError).message).toContain(reason);
  });

  it('checks steps given as data by the same rules', () => {
    expect(checkScript([{ type: 'say', text: 'yes', confidence: 0.4 }])).toEqual([
      { type: 'say', text: 'yes', confidence: 0.4 },
    ]);
    expect(() => checkScript([{ type: 'say', text: 'yes', confidence: 2 }])).toThrow(ScriptError);
    expect(() => checkScript([{ type: 'pause', ms: -5 }])).toThrow(/step 1/);
  });

  it('keeps keys until someone listens, then presses them; pauses let time pass in between', async () => {
    const { clock, leg, party } = await callerWith('press 1; pause 3; press 2#');
    const keys = keysOn(leg, clock);
    await new Promise<void>((resolve) => clock.setTimer(resolve, 5000));
    expect(keys).toEqual([]);
    const stop = leg.listen({});
    await new Promise<void>((resolve) => leg.events.on('dtmf', (digit) => digit === '#' && resolve()));
    stop();
    // 1 at 5 s when the window opened; 3 s later 2 and # (150 ms apart).
    expect(keys).toEqual([
      ['1', 5000],
      ['2', 8150],
      ['#', 8300],
    ]);
    expect(party?.lines()).toEqual(['answered', 'pressed 1', 'pressed 2#']);
  });

  it('waits for the whole prompt with wait, and barges in without it', async () => {
    const prompt = 'For sales press 1 for support press 2';
    for (const [script, expected] of [
      ['wait; press 1', 8 * 300],
      ['press 1', 0],
    ] as const) {
      const { clock, leg } = await callerWith(script);
      const keys = keysOn(leg, clock);
      const stop = leg.listen({});
      const interrupted = new AbortController();
      leg.events.once('dtmf', () => interrupted.abort(new Error('barge-in')));
      await leg.say(prompt, { voice: 'alice', language: 'en-US' }, interrupted.signal).catch(() => undefined);
      await new Promise<void>((resolve) => (keys.length > 0 ? resolve() : leg.events.once('dtmf', () => resolve())));
      stop();
      expect(keys).toEqual([['1', expected]]);
    }
  });

  it('speaks into the recognizer, records until silence after the last words, and hangs up', async () => {
    const { clock, leg, party } = await callerWith('wait; say I would like a refund; pause 1; say thanks; hangup');
    const options = { maxLengthMs: 60000, silenceTimeoutMs: 5000, finishOnKey: '#', trimSilence: true };
    const recorded = await leg.record(options, never());
    // 5 words (1.5 s), a second's pause, one word (0.3 s): 2.8 s of speech.
    expect(recorded).toMatchObject({ endedBy: 'hangup', durationMs: 2800 });
    expect(clock.now()).toBe(2800);
    expect(party?.lines()).toEqual([
      'answered',
      'said "I would like a refund"',
      'said "thanks"',
      'hung-up',
      'recorded 2.8 s',
    ]);
  });

  it('recognizes script speech only while speech input is on', async () => {
    const { leg } = await callerWith('say billing please');
    const heard = new Promise<string>((resolve) => leg.events.once('speech', (result) => resolve(result.transcript)));
    leg.listen({ speech: { language: 'en-US', endOfSpeechMs: 'auto', maxSpeechMs: 60000 } });
    expect(await heard).toBe('billing please');
  });
});
