/**
 * The media conformance harness for SIP: the adapter on loopback, far ends that are real peers.
 * A far end that answers (and an inbound caller) is a baresip phone on its own 127.0.0.x that
 * records what it hears; one that is busy, declines, fails or never answers is sipp running one
 * a scripted responder (testing/responder.ts). Play URLs reach a loopback server (undici's MockAgent stands in
 * for the internet) that serves a 600 Hz tone; phones press keys when an input window opens, as
 * a person who was prompted does.
 */

import type { Address, MediaLeg } from '@patchbay/runtime';
import { systemClock } from '@patchbay/runtime';
import type { AdapterHarness, FarEnd } from '@patchbay/runtime/testing';
import { MockAgent } from 'undici';
import { encodeWav } from '../audio/index.js';
import { AudioFetcher } from '../play/index.js';
import { type Phone, startPhone } from '../testing/baresip.js';
import { startResponder } from '../testing/responder.js';
import { tonePcm } from '../testing/wav.js';
import { CachedTts, EspeakTts } from '../tts/index.js';
import { SipMediaAdapter } from './adapter.js';
import { AUDIO_HZ, heardIn } from './hearing.js';
import { Prompts } from './prompts.js';

/** What a far end that does not answer sends: busy, declined, failed, or ringing until canceled. */
const REFUSALS = {
  busy: { code: 486 },
  reject: { code: 603 },
  fail: { code: 500 },
  'no-answer': { code: 480, ringMs: 600_000 },
} as const;

/** The internet as the tests see it: every https URL is a second of the harness's tone. */
function mockInternet(): MockAgent {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const wav = encodeWav([tonePcm(AUDIO_HZ, 1)], 8000);
  agent
    .get('https://media.example')
    .intercept({ path: () => true, method: 'GET' })
    .reply(200, Buffer.from(wav), { headers: { 'content-type': 'audio/wav' } })
    .persist();
  return agent;
}

let nextAddress = 10;
const address = () => `127.0.0.${(nextAddress++ % 200) + 10}`;

export async function sipHarness(): Promise<AdapterHarness> {
  const internet = mockInternet();
  const prompts = new Prompts({
    tts: new CachedTts(new EspeakTts()),
    fetcher: new AudioFetcher({ egress: { refuseUrl: () => undefined, dispatcher: () => internet } }),
  });
  const adapter = await SipMediaAdapter.start({
    listen: [{ transport: 'udp', host: '127.0.0.1', port: 0 }],
    rtpPorts: [41000, 41998],
    allow: ['127.0.0.0/8'],
    prompts,
    workers: 1,
  });
  const port = adapter.agent.addresses[0]?.port;
  const phones: Phone[] = [];
  const sipps: Array<{ kill(): Promise<unknown> }> = [];
  const phoneOf = new Map<MediaLeg, Phone>();
  /** Digits each phone received as RFC 4733 events, by when (wall clock). */
  const digitsOf = new Map<Phone, Array<{ at: number; digit: string }>>();
  const noteDigits = (phone: Phone) => {
    const received: Array<{ at: number; digit: string }> = [];
    phone.events.on('dtmf', (digit) => received.push({ at: Date.now(), digit }));
    digitsOf.set(phone, received);
  };

  /** The phone acts as `behaviour` asks once `leg` is answered: keys when prompted, a hang-up after a while. */
  function act(phone: Phone, leg: MediaLeg, behaviour: FarEnd): void {
    const inputs = [...(behaviour.inputs ?? [])];
    const next = () => {
      const input = inputs.shift();
      if (!input || !('digits' in input)) return;
      setTimeout(() => void phone.sendDigits(input.digits).catch(() => undefined), input.afterMs ?? 300);
    };
    const listen = leg.listen.bind(leg);
    leg.listen = (options) => {
      next();
      return listen(options);
    };
    const record = leg.record.bind(leg);
    leg.record = (options, signal) => {
      next();
      return record(options, signal);
    };
    if (behaviour.hangupAfterMs !== undefined) {
      const answer = leg.answer.bind(leg);
      leg.answer = async () => {
        await answer();
        setTimeout(() => void phone.hangup().catch(() => undefined), behaviour.hangupAfterMs);
      };
    }
  }

  /**
   * On-net calls: the caller's party is the engine leg behind the callee, so what it heard is
   * what arrived there: the RFC 4733 digits the callee's leg reported (its speech would need a
   * recognizer, which the SIP media does not have).
   */
  const linkedHeard = new Map<MediaLeg, Array<{ at: number; digit: string }>>();
  const link = adapter.link.bind(adapter);
  adapter.link = (request, signal, onRinging) => {
    const linked = link(request, signal, onRinging);
    const received: Array<{ at: number; digit: string }> = [];
    linked.callee.events.on('dtmf', (digit) => received.push({ at: Date.now(), digit }));
    void linked.outcome.then((outcome) => {
      if (outcome.outcome === 'answered') linkedHeard.set(outcome.leg, received);
    });
    return linked;
  };

  return {
    adapter,
    clock: systemClock,
    hearing: 'audio',
    async farEnd(behaviour): Promise<Address> {
      const host = address();
      const onCall = behaviour.onCall ?? 'answer';
      if (onCall !== 'answer') {
        const sipp = await startResponder({ local: host, ...REFUSALS[onCall] });
        sipps.push(sipp);
        return { kind: 'sip', value: `sip:far@${host}:${sipp.port}` };
      }
      const phone = await startPhone({ address: host, tone: 440 });
      phones.push(phone);
      phone.events.on('incoming', () => {
        setTimeout(() => void phone.accept().catch(() => undefined), behaviour.ringMs ?? 0);
      });
      return { kind: 'sip', value: phone.uri };
    },
    async inbound(behaviour) {
      const phone = await startPhone({ address: address() });
      phones.push(phone);
      noteDigits(phone);
      const arrived = new Promise<MediaLeg>((resolve) => adapter.events.once('incoming', (leg) => resolve(leg)));
      await phone.dial(`sip:+15550009999@127.0.0.1:${port}`);
      const leg = await arrived;
      phoneOf.set(leg, phone);
      act(phone, leg, behaviour);
      return leg;
    },
    async heard(leg) {
      const linked = linkedHeard.get(leg);
      if (linked)
        return heardIn(
          new Int16Array(0),
          linked.map(({ at, digit }) => ({ atMs: at, digit })),
        );
      const phone = phoneOf.get(leg);
      if (!phone) return [];
      const pcm = await phone.heard();
      // The recording grows with the packets: its first sample is as old as its length.
      const began = Date.now() - pcm.length / 8;
      const digits = (digitsOf.get(phone) ?? []).map(({ at, digit }) => ({ atMs: at - began, digit }));
      return heardIn(pcm, digits);
    },
    async close() {
      await adapter.close();
      await Promise.all([...phones.map((phone) => phone.close()), ...sipps.map((sipp) => sipp.kill())]);
      await internet.close();
    },
  };
}
