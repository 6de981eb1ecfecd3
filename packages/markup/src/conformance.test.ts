/**
 * Conformance with the official helper library (`twilio` on npm): documents it builds parse to
 * the expected typed values, and our builders write the same bytes for the same calls. Every
 * element of the registry must have a placement here, so a new element cannot go untested.
 */
import fc from 'fast-check';
import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { MessagingResponse } from './build/messaging.js';
import { VoiceResponse } from './build/voice.js';
import type { ElementDef } from './define.js';
import { parseMessaging, parseVoice } from './parse.js';
import { valueArbitrary, xmlText } from './test-support/arbitraries.js';
import { messagingElements, voiceElements } from './verbs/index.js';

// biome-ignore lint/suspicious/noExplicitAny: the same calls are made on both libraries' builders
type Builder = any;
type Attrs = Record<string, unknown>;
type Node = { name: string; attributes: Attrs; children?: Node[]; content?: Array<string | Node> };

interface Placement {
  /** Adds the element to a response, with the given attributes and text argument. */
  build: (response: Builder, attributes: Attrs, text: string | undefined) => void;
  /** Text used when checking typed values (must satisfy the element's text rule). */
  text?: string;
  /** Finds the element in the parsed document. */
  find: (document: Node) => Node;
}

const first = (node: Node): Node => (node.children?.[0] ?? node.content?.find((p) => typeof p !== 'string')) as Node;
const top = first;
const second = (document: Node) => first(first(document));
const third = (document: Node) => first(first(first(document)));

const voice: Record<string, Placement> = {
  Say: { build: (r, a, t) => r.say(a, t), find: top, text: 'Hello' },
  Play: { build: (r, a, t) => r.play(a, t), find: top, text: 'https://example.com/a.mp3' },
  Pause: { build: (r, a) => r.pause(a), find: top },
  Gather: { build: (r, a) => r.gather(a), find: top },
  Dial: { build: (r, a, t) => r.dial(a, t), find: top, text: '+15551234567' },
  Record: { build: (r, a) => r.record(a), find: top },
  Redirect: { build: (r, a, t) => r.redirect(a, t), find: top, text: '/next' },
  Hangup: { build: (r, a) => r.hangup(a), find: top },
  Reject: { build: (r, a) => r.reject(a), find: top },
  Enqueue: { build: (r, a, t) => r.enqueue(a, t), find: top, text: 'support' },
  Leave: { build: (r, a) => r.leave(a), find: top },
  Connect: { build: (r, a) => r.connect(a), find: top },
  Start: { build: (r, a) => r.start(a), find: top },
  Stop: { build: (r, a) => r.stop(a), find: top },
  Refer: { build: (r, a) => r.refer(a), find: top },
  Sms: { build: (r, a, t) => r.sms(a, t), find: top, text: 'hi' },
  Number: { build: (r, a, t) => r.dial().number(a, t), find: second, text: '+15551234567' },
  Client: { build: (r, a, t) => r.dial().client(a, t), find: second, text: 'alice' },
  Identity: { build: (r, a, t) => r.dial().client().identity(a, t), find: third, text: 'alice' },
  Parameter: { build: (r, a) => r.dial().client().parameter(a), find: third },
  Conference: { build: (r, a, t) => r.dial().conference(a, t), find: second, text: 'room-1' },
  Sip: { build: (r, a, t) => r.dial().sip(a, t), find: second, text: 'sip:alice@example.com' },
  Queue: { build: (r, a, t) => r.dial().queue(a, t), find: second, text: 'support' },
  Application: { build: (r, a, t) => r.dial().application(a, t), find: second, text: 'AP123' },
  ApplicationSid: { build: (r, a, t) => r.dial().application().applicationSid(a, t), find: third, text: 'AP1' },
  Stream: { build: (r, a) => r.connect().stream(a), find: second },
  Recording: { build: (r, a) => r.start().recording(a), find: second },
  Task: { build: (r, a, t) => r.enqueue({}, 'q').task(a, t), find: second, text: '{"a":1}' },
  break: { build: (r, a) => r.say('Hi').break(a), find: second },
  emphasis: { build: (r, a, t) => r.say().emphasis(a, t), find: second, text: 'w' },
  lang: { build: (r, a, t) => r.say().lang(a, t), find: second, text: 'w' },
  p: { build: (r, a, t) => r.say().p(a, t), find: second, text: 'w' },
  phoneme: { build: (r, a, t) => r.say().phoneme(a, t), find: second, text: 'w' },
  prosody: { build: (r, a, t) => r.say().prosody(a, t), find: second, text: 'w' },
  s: { build: (r, a, t) => r.say().s(a, t), find: second, text: 'w' },
  'say-as': { build: (r, a, t) => r.say().sayAs(a, t), find: second, text: 'w' },
  sub: { build: (r, a, t) => r.say().sub(a, t), find: second, text: 'w' },
  w: { build: (r, a, t) => r.say().w(a, t), find: second, text: 'w' },
};

const messaging: Record<string, Placement> = {
  Message: { build: (r, a, t) => r.message(a, t), find: top, text: 'hi' },
  Body: { build: (r, a, t) => r.message().body(a, t), find: second, text: 'hi' },
  Media: { build: (r, a, t) => r.message().media(a, t), find: second, text: 'https://example.com/m.png' },
  Redirect: { build: (r, a, t) => r.redirect(a, t), find: top, text: '/next' },
};

const interpreted = (registry: Record<string, ElementDef>) =>
  Object.values(registry).filter((def) => !def.opaque && def.name !== 'Response');

function bothBuild(kind: 'voice' | 'messaging', calls: (response: Builder) => void): [string, string] {
  const theirs = kind === 'voice' ? new twilio.twiml.VoiceResponse() : new twilio.twiml.MessagingResponse();
  const ours = kind === 'voice' ? new VoiceResponse() : new MessagingResponse();
  calls(theirs);
  calls(ours);
  return [theirs.toString(), ours.toString()];
}

describe.each([
  ['voice', voice, voiceElements, parseVoice],
  ['messaging', messaging, messagingElements, parseMessaging],
] as const)('%s markup from the helper library', (kind, placements, registry, parse) => {
  it('has a placement for every interpreted element of the registry', () => {
    expect(Object.keys(placements).sort()).toEqual(
      interpreted(registry)
        .map((def) => def.name)
        .sort(),
    );
  });

  for (const def of interpreted(registry)) {
    const placement = placements[def.name] as Placement;
    const names = Object.keys(def.attributes.shape);
    it(`<${def.name}>: every attribute parses to its typed value, and our builder writes the same bytes`, () => {
      for (const name of names) {
        const samples = fc.sample(valueArbitrary(def.attributes.shape[name]), { numRuns: 8, seed: 42 });
        for (const value of samples) {
          const [theirs, ours] = bothBuild(kind, (r) => placement.build(r, { [name]: value }, placement.text));
          expect(ours).toBe(theirs);
          const result = parse(theirs);
          if (!result.ok) expect.fail(`${theirs}\n${JSON.stringify(result.errors)}`);
          expect(placement.find(result.document as Node).attributes[name]).toEqual(value);
        }
      }
      const [theirs] = bothBuild(kind, (r) => placement.build(r, {}, placement.text));
      const result = parse(theirs);
      expect(result.ok && placement.find(result.document as Node).attributes).toEqual(def.defaults);
    });
  }

  it('random sequences of builder calls give byte-identical output', () => {
    const call = fc.record({
      element: fc.constantFrom(...Object.keys(placements)),
      attributes: fc.dictionary(
        fc.constantFrom('loop', 'action', 'method', 'timeout', 'to', 'voice', 'name', 'x'),
        xmlText(),
        { maxKeys: 3 },
      ),
      text: fc.option(xmlText(), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(call, { maxLength: 8 }), (calls) => {
        const [theirs, ours] = bothBuild(kind, (r) => {
          for (const c of calls) (placements[c.element] as Placement).build(r, c.attributes, c.text);
        });
        expect(ours).toBe(theirs);
      }),
      { numRuns: 300 },
    );
  });
});

describe('a full IVR built with the helper library', () => {
  it('parses to the expected typed tree', () => {
    const response = new twilio.twiml.VoiceResponse();
    const gather = response.gather({
      input: ['dtmf', 'speech'],
      numDigits: 1,
      timeout: 7,
      finishOnKey: '',
      speechTimeout: 'auto',
      action: '/menu',
      method: 'GET',
      actionOnEmptyResult: true,
    });
    gather.say({ voice: 'Polly.Joanna', language: 'en-GB', loop: 2 }, 'For sales, press 1.');
    gather.pause({ length: 2 });
    gather.play({ loop: 0 }, 'https://example.com/menu.mp3');
    const dial = response.dial({
      timeout: 20,
      callerId: '+15550001111',
      record: 'record-from-answer-dual',
      hangupOnStar: true,
    });
    dial.number(
      { sendDigits: 'ww1234#', url: '/whisper', statusCallbackEvent: ['initiated', 'completed'] },
      '+15551234567',
    );
    dial.conference({ beep: 'onExit', maxParticipants: 10, startConferenceOnEnter: false }, 'standup');
    response.hangup();

    const result = parseVoice(response.toString());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const [g, d, h] = result.document.children;
    expect(g).toMatchObject({
      name: 'Gather',
      attributes: {
        input: ['dtmf', 'speech'],
        numDigits: 1,
        timeout: 7,
        finishOnKey: '',
        speechTimeout: 'auto',
        method: 'GET',
        actionOnEmptyResult: true,
      },
      children: [
        {
          name: 'Say',
          attributes: { voice: 'Polly.Joanna', language: 'en-GB', loop: 2 },
          content: ['For sales, press 1.'],
        },
        { name: 'Pause', attributes: { length: 2 } },
        { name: 'Play', attributes: { loop: 0 }, text: 'https://example.com/menu.mp3' },
      ],
    });
    expect(d).toMatchObject({
      name: 'Dial',
      attributes: { timeout: 20, callerId: '+15550001111', record: 'record-from-answer-dual', hangupOnStar: true },
      children: [
        {
          name: 'Number',
          attributes: { sendDigits: 'ww1234#', url: '/whisper', statusCallbackEvent: ['initiated', 'completed'] },
          text: '+15551234567',
        },
        {
          name: 'Conference',
          attributes: { beep: 'onExit', maxParticipants: 10, startConferenceOnEnter: false },
          text: 'standup',
        },
      ],
    });
    expect(h).toEqual({ name: 'Hangup', attributes: {}, children: [] });
  });
});
