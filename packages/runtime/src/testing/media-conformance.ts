/**
 * The conformance suite every media adapter runs. An adapter provides a harness that can make
 * far-end parties behave (answer, stay busy, press digits, speak) and report what they heard;
 * the suite checks the adapter's contract against it.
 *
 * @example
 * runMediaAdapterConformance('simulated', () => simulatedHarness());
 */
import { describe, expect, it } from 'vitest';
import type { Clock } from '../clock/clock.js';
import type { Address, MediaAdapter, MediaLeg } from '../media/types.js';

/** How a far-end party behaves in a conformance test. */
export interface FarEnd {
  readonly onCall?: 'answer' | 'busy' | 'no-answer' | 'fail' | 'reject';
  readonly ringMs?: number;
  /** Inputs for successive input windows (listen/record). */
  readonly inputs?: ReadonlyArray<{ digits: string; afterMs?: number } | { speech: string; afterMs?: number }>;
  readonly hangupAfterMs?: number;
}

/**
 * What a far end noticed, in order: `speech:<text>`, `audio:<url>`, `digits:<d>`, `beep`. A
 * harness whose far ends are real phones hears audio, not text: it reports `speech` and `audio`
 * without what was said or played (`hearing: 'audio'`), digits and beeps as they were detected.
 */
export type Heard = string[];

export interface AdapterHarness {
  readonly adapter: MediaAdapter;
  readonly clock: Clock;
  /** An address that behaves as asked when the adapter calls it (a real peer may take a moment to start). */
  farEnd(behaviour: FarEnd): Address | Promise<Address>;
  /** Places a call into the adapter from a far end behaving as asked; resolves with its leg. */
  inbound(behaviour: FarEnd): Promise<MediaLeg>;
  /** What the far end of `leg` heard so far. */
  heard(leg: MediaLeg): Heard | Promise<Heard>;
  /** How the far ends hear: text and URLs (a simulation), or real audio. @default 'transcript' */
  readonly hearing?: 'transcript' | 'audio';
  close(): Promise<void>;
}

const never = () => new AbortController().signal;

/** What a far end that hears real audio reports for `expected`: speech and audio without their text or URL. */
function asHeard(h: AdapterHarness, expected: Heard): Heard {
  if (h.hearing !== 'audio') return expected;
  return expected.map((entry) => entry.replace(/^(speech|audio):.*$/, '$1'));
}

export function runMediaAdapterConformance(name: string, create: () => AdapterHarness | Promise<AdapterHarness>): void {
  describe(`media adapter conformance: ${name}`, () => {
    async function withHarness(test: (h: AdapterHarness) => Promise<void>) {
      const harness = await create();
      try {
        await test(harness);
      } finally {
        await harness.close();
      }
    }

    it('declares its capabilities', () =>
      withHarness(async ({ adapter }) => {
        expect(typeof adapter.name).toBe('string');
        for (const flag of ['dtmf', 'speech', 'tts', 'play', 'record', 'conference'] as const) {
          expect(typeof adapter.capabilities[flag]).toBe('boolean');
        }
        expect(Array.isArray(adapter.capabilities.originate)).toBe(true);
      }));

    it('originates: answered (after ringing), busy, failed, rejected, no-answer at the timeout', () =>
      withHarness(async (h) => {
        let rang = false;
        const answered = await h.adapter.originate(
          { to: await h.farEnd({ ringMs: 1000 }), from: '+15550000001', timeoutMs: 30000 },
          never(),
          () => {
            rang = true;
          },
        );
        expect(answered.outcome).toBe('answered');
        expect(rang).toBe(true);
        if (answered.outcome === 'answered') await answered.leg.hangup();
        for (const onCall of ['busy', 'fail', 'reject'] as const) {
          const result = await h.adapter.originate(
            { to: await h.farEnd({ onCall }), from: '+1', timeoutMs: 30000 },
            never(),
          );
          expect(result.outcome).toBe({ busy: 'busy', fail: 'failed', reject: 'rejected' }[onCall]);
        }
        const started = h.clock.now();
        const silent = await h.adapter.originate(
          { to: await h.farEnd({ onCall: 'no-answer' }), from: '+1', timeoutMs: 5000 },
          never(),
        );
        expect(silent.outcome).toBe('no-answer');
        expect(h.clock.now() - started).toBeGreaterThanOrEqual(5000);
      }));

    it('resolves canceled when the signal aborts while ringing', () =>
      withHarness(async (h) => {
        const controller = new AbortController();
        const pending = h.adapter.originate(
          { to: await h.farEnd({ ringMs: 10000 }), from: '+1', timeoutMs: 30000 },
          controller.signal,
          () => controller.abort(new Error('another party answered')),
        );
        expect((await pending).outcome).toBe('canceled');
      }));

    it('delivers inbound calls, plays to them, and hears their digits in an input window', () =>
      withHarness(async (h) => {
        const leg = await h.inbound({ inputs: [{ digits: '42#' }] });
        await leg.answer();
        await leg.say('Hello there', { voice: 'alice', language: 'en-US' }, never());
        await leg.play('https://media.example/beep.mp3', never());
        await leg.sendDigits('1w2', never());
        await leg.beep(never());
        const digits: string[] = [];
        const done = new Promise<void>((resolve) =>
          leg.events.on('dtmf', (digit) => {
            digits.push(digit);
            if (digit === '#') resolve();
          }),
        );
        const stop = leg.listen({});
        await done;
        stop();
        expect(digits).toEqual(['4', '2', '#']);
        expect(await h.heard(leg)).toEqual(
          asHeard(h, ['speech:Hello there', 'audio:https://media.example/beep.mp3', 'digits:12', 'beep']),
        );
        await leg.hangup();
        await leg.hangup();
      }));

    it('recognizes speech when asked, announcing the start for barge-in', () =>
      withHarness(async (h) => {
        if (!h.adapter.capabilities.speech) return;
        const leg = await h.inbound({ inputs: [{ speech: 'sales please' }] });
        await leg.answer();
        const events: string[] = [];
        const result = await new Promise<string>((resolve) => {
          leg.events.on('speechStart', () => events.push('start'));
          leg.events.on('speech', (speech) => resolve(speech.transcript));
          leg.listen({ speech: { language: 'en-US', endOfSpeechMs: 'auto', maxSpeechMs: 60000 } });
        });
        expect(events).toEqual(['start']);
        expect(result).toBe('sales please');
      }));

    it('aborts long operations with the signal reason', () =>
      withHarness(async (h) => {
        const leg = await h.inbound({});
        await leg.answer();
        const controller = new AbortController();
        const reason = new Error('interrupted');
        controller.abort(reason);
        await expect(leg.say('a long sentence', { voice: 'man', language: 'en-US' }, controller.signal)).rejects.toBe(
          reason,
        );
        await expect(leg.play('https://x/y.mp3', controller.signal)).rejects.toBe(reason);
      }));

    it('records until a finish key or silence, returning WAV audio and its length', () =>
      withHarness(async (h) => {
        const leg = await h.inbound({ inputs: [{ digits: '#', afterMs: 2000 }] });
        await leg.answer();
        const options = { maxLengthMs: 60000, silenceTimeoutMs: 5000, finishOnKey: '#', trimSilence: false };
        const byKey = await leg.record(options, never());
        expect(byKey).toMatchObject({ endedBy: 'key', key: '#' });
        expect(byKey.durationMs).toBeGreaterThan(0);
        expect(Buffer.from(byKey.audio.subarray(0, 4)).toString('ascii')).toBe('RIFF');
        const bySilence = await leg.record(options, never());
        expect(bySilence.endedBy).toBe('silence');
        const capped = await leg.record({ ...options, maxLengthMs: 1000 }, never());
        expect(capped).toMatchObject({ endedBy: 'max-length' });
      }));

    it('reports a far-end hang-up', () =>
      withHarness(async (h) => {
        const leg = await h.inbound({ hangupAfterMs: 1000 });
        const hungUp = new Promise<void>((resolve) => leg.events.once('hangup', () => resolve()));
        await leg.answer();
        await hungUp;
      }));

    it('links two legs for an on-net call: the callee answering answers it, media crosses, hang-ups reach the other side', () =>
      withHarness(async (h) => {
        if (!h.adapter.link) return;
        let rang = false;
        const request = {
          to: { kind: 'number', value: '+15550000100' },
          from: '+15550000200',
          timeoutMs: 30000,
        } as const;
        const { callee, outcome } = h.adapter.link(request, never(), () => {
          rang = true;
        });
        expect(rang).toBe(true);
        await callee.answer();
        const answered = await outcome;
        if (answered.outcome !== 'answered') throw new Error('expected an answer');
        const caller = answered.leg;
        const digits: string[] = [];
        const keys = new Promise<void>((resolve) =>
          callee.events.on('dtmf', (digit) => {
            digits.push(digit);
            if (digit === '#') resolve();
          }),
        );
        const stopKeys = callee.listen({});
        await caller.sendDigits('12#', never());
        await keys;
        stopKeys();
        expect(digits).toEqual(['1', '2', '#']);
        if (h.adapter.capabilities.speech) {
          const speech = new Promise<string>((resolve) => caller.events.once('speech', (s) => resolve(s.transcript)));
          const stopSpeech = caller.listen({
            speech: { language: 'en-US', endOfSpeechMs: 'auto', maxSpeechMs: 60000 },
          });
          await callee.say('How can I help', { voice: 'alice', language: 'en-US' }, never());
          expect(await speech).toBe('How can I help');
          stopSpeech();
          expect(await h.heard(callee)).toEqual(asHeard(h, ['speech:How can I help']));
        }
        expect(await h.heard(caller)).toEqual(['digits:12#']);
        const hungUp = new Promise<void>((resolve) => caller.events.once('hangup', () => resolve()));
        await callee.hangup();
        await hungUp;
      }));

    it('ends an on-net call as the callee decides: busy, rejected; no-answer at the timeout and canceled hang the callee up', () =>
      withHarness(async (h) => {
        const link = h.adapter.link?.bind(h.adapter);
        if (!link) return;
        const request = { to: { kind: 'number', value: '+15550000100' }, from: '+1', timeoutMs: 5000 } as const;
        for (const reason of ['busy', 'rejected'] as const) {
          const { callee, outcome } = link(request, never());
          await callee.reject(reason);
          expect((await outcome).outcome).toBe(reason);
        }
        const started = h.clock.now();
        const unanswered = link(request, never());
        const calleeHungUp = new Promise<void>((resolve) => unanswered.callee.events.once('hangup', () => resolve()));
        expect((await unanswered.outcome).outcome).toBe('no-answer');
        expect(h.clock.now() - started).toBeGreaterThanOrEqual(5000);
        await calleeHungUp;
        const controller = new AbortController();
        const canceled = link(request, controller.signal);
        const canceledHungUp = new Promise<void>((resolve) => canceled.callee.events.once('hangup', () => resolve()));
        controller.abort(new Error('the caller hung up'));
        expect((await canceled.outcome).outcome).toBe('canceled');
        await canceledHungUp;
      }));

    it('bridges two legs and mixes several', () =>
      withHarness(async (h) => {
        const caller = await h.inbound({});
        await caller.answer();
        const dialed = await h.adapter.originate({ to: await h.farEnd({}), from: '+1', timeoutMs: 30000 }, never());
        if (dialed.outcome !== 'answered') throw new Error('expected an answer');
        await h.adapter.bridge(caller, dialed.leg).close();
        const recorded = await h.adapter.bridge(caller, dialed.leg, { record: 'dual' }).close();
        expect(recorded?.durationMs).toBeGreaterThanOrEqual(0);
        expect(Buffer.from(recorded?.audio.subarray(0, 4) ?? []).toString('ascii')).toBe('RIFF');
        const room = h.adapter.createMixer('room-1');
        room.join(caller, { muted: false });
        room.join(dialed.leg, { muted: true });
        room.setMuted(dialed.leg, false);
        room.setHeld(caller, true);
        room.setHeld(caller, false);
        await room.announce({ text: 'Welcome' }, never());
        room.leave(caller);
        room.close();
      }));
  });
}
