import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VoiceResponse } from './build/voice.js';
import type { MarkupIssue } from './errors.js';
import { parseMessaging, parseVoice } from './parse.js';

const CODES = new Set([11750, 12100, 12102, 12200]);

function assertTyped(issue: MarkupIssue) {
  expect(CODES.has(issue.code) || (issue.code >= 13000 && issue.code < 15000)).toBe(true);
  expect(typeof issue.type).toBe('string');
  expect(typeof issue.message).toBe('string');
  expect(typeof issue.path).toBe('string');
  expect(issue.line).toBeGreaterThanOrEqual(1);
  expect(issue.column).toBeGreaterThanOrEqual(1);
}

function parsesToResultOrTypedErrors(xml: string) {
  for (const parse of [parseVoice, parseMessaging]) {
    const result = parse(xml);
    if (result.ok) expect(result.document.name).toBe('Response');
    else {
      expect(result.errors.length).toBeGreaterThan(0);
      result.errors.forEach(assertTyped);
    }
    result.warnings.forEach(assertTyped);
  }
}

const seeds = (() => {
  const ivr = new VoiceResponse();
  const gather = ivr.gather({ numDigits: 1, action: '/menu', input: ['dtmf', 'speech'] });
  gather.say({ voice: 'alice', loop: 2 }, 'For sales press 1 & for support press 2.');
  gather.play({ digits: 'ww1' });
  ivr.say('Sorry <again>');
  const dial = ivr.dial({ callerId: '+15550001111', timeout: 20, record: 'record-from-answer' });
  dial.number({ sendDigits: 'ww12', statusCallbackEvent: ['initiated', 'answered'] }, '+15551234567');
  dial.client().identity({}, 'alice');
  dial.conference({ beep: 'onEnter', waitUrl: '/hold' }, 'room-1');
  ivr.pay({ chargeAmount: '10' }).prompt({ for: 'payment-card-number' }).say('Card number');
  ivr.record({ maxLength: 30 });
  ivr.redirect({ method: 'GET' }, '/next?x=1&y=2');
  return [ivr.toString(), '<Response><Message to="+1"><Body>hi</Body><Media>http://m</Media></Message></Response>'];
})();

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 12 }) }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.oneof(
      fc.string({ maxLength: 6 }),
      fc.constantFrom(
        '<',
        '>',
        '</',
        '/>',
        '&',
        '&#0;',
        '&#x110000;',
        '&lol;',
        '"',
        '<!DOCTYPE a>',
        '<![CDATA[',
        '<!--',
        '\u0000',
      ),
      fc.constantFrom('<Say>', '</Say>', '<Number>', '<Gather>', ' loop="-1"', ' timeout="x"', ' a', '<Response>'),
    ),
  }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
);

function mutate(
  xml: string,
  steps: Array<fc.Arbitrary<unknown> extends never ? never : typeof mutation extends fc.Arbitrary<infer M> ? M : never>,
) {
  let text = xml;
  for (const step of steps) {
    const at = step.at % (text.length + 1);
    if (step.kind === 'delete') text = text.slice(0, at) + text.slice(at + step.length);
    else if (step.kind === 'insert') text = text.slice(0, at) + step.text + text.slice(at);
    else if (step.kind === 'duplicate') text = text.slice(0, at + step.length) + text.slice(at);
    else text = text.slice(0, at);
  }
  return text;
}

describe('hostile and random input', () => {
  it('arbitrary strings give a result or typed errors, never a throw', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), parsesToResultOrTypedErrors), {
      numRuns: 2000,
    });
  });

  it('arbitrary markup-like strings give a result or typed errors', () => {
    const piece = fc.constantFrom(
      '<Response>',
      '</Response>',
      '<Say loop="2">',
      '</Say>',
      '<Gather>',
      '</Gather>',
      '<Dial>',
      '</Dial>',
      '<Number>',
      '</Number>',
      'text',
      '&amp;',
      '&',
      '<',
      '>',
      '/>',
      ' ',
      '"',
      "'",
      '<!-- c -->',
      '<![CDATA[x]]>',
      '<?xml version="1.0"?>',
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 30 }).map((p) => p.join('')),
        parsesToResultOrTypedErrors,
      ),
      {
        numRuns: 2000,
      },
    );
  });

  it('mutated valid documents give a result or typed errors', () => {
    fc.assert(
      fc.property(fc.constantFrom(...seeds), fc.array(mutation, { minLength: 1, maxLength: 4 }), (seed, steps) =>
        parsesToResultOrTypedErrors(mutate(seed, steps)),
      ),
      { numRuns: 3000 },
    );
  });
});
