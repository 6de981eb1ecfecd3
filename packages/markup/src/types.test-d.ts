import { describe, expectTypeOf, it } from 'vitest';
import { MessagingResponse, type OpaqueNode, parseVoice, VoiceResponse, type VoiceVerb } from './index.js';

describe('typed documents', () => {
  it('narrows verbs by name to their typed attributes and content', () => {
    const result = parseVoice('<Response/>');
    if (!result.ok) return;
    const verb = result.document.children[0] as VoiceVerb | OpaqueNode;
    if (verb.name === 'Gather') {
      expectTypeOf(verb.attributes.timeout).toEqualTypeOf<number>();
      expectTypeOf(verb.attributes.numDigits).toEqualTypeOf<number | undefined>();
      expectTypeOf(verb.attributes.input).toEqualTypeOf<Array<'dtmf' | 'speech'>>();
      expectTypeOf(verb.attributes.speechTimeout).toEqualTypeOf<number | 'auto' | undefined>();
      expectTypeOf(verb.children[0]?.name).toEqualTypeOf<'Say' | 'Play' | 'Pause' | '#opaque' | undefined>();
    }
    if (verb.name === 'Dial') {
      expectTypeOf(verb.text).toEqualTypeOf<string>();
      expectTypeOf(verb.attributes.record).toEqualTypeOf<
        | 'do-not-record'
        | 'record-from-answer'
        | 'record-from-ringing'
        | 'record-from-answer-dual'
        | 'record-from-ringing-dual'
      >();
    }
    if (verb.name === 'Say') expectTypeOf(verb.content[0]).toExtend<string | { name: string } | undefined>();
    if (verb.name === '#opaque') expectTypeOf(verb.tag).toEqualTypeOf<string>();
  });
});

describe('builders', () => {
  it('take the helper library argument forms, typed from the schemas', () => {
    const response = new VoiceResponse();
    response.say('Hello');
    response.say({ voice: 'alice', loop: 2 }, 'Hello');
    response.gather({ input: ['dtmf', 'speech'], numDigits: 1, speechTimeout: 'auto' }).say('Press 1');
    response.dial({ record: 'record-from-answer' }, '+15551234567');
    response.dial().conference({ beep: 'onEnter', muted: true }, 'room');
    // @ts-expect-error loop is a number
    response.say({ loop: [1] }, 'x');
    // @ts-expect-error input takes dtmf and speech only
    response.gather({ input: ['touch'] });
    // @ts-expect-error Gather holds no Dial
    response.gather().dial();
    expectTypeOf(new MessagingResponse().message('hi').media).toBeFunction();
  });
});
