import { describe, expect, it } from 'vitest';
import type { MarkupIssue } from './errors.js';
import { parseMessaging, parseVoice } from './parse.js';
import { voiceElements } from './verbs/index.js';

function ok(xml: string) {
  const result = parseVoice(xml);
  if (!result.ok) expect.fail(JSON.stringify(result.errors, null, 1));
  return result;
}

function errors(xml: string, options?: Parameters<typeof parseVoice>[1]): MarkupIssue[] {
  const result = parseVoice(xml, options);
  if (result.ok) expect.fail('expected the document to be rejected');
  return result.errors;
}

describe('typed documents', () => {
  it('converts attributes to their real types and keeps text exactly', () => {
    const { document } = ok(
      '<Response><Gather numDigits="4" timeout="10" input="dtmf speech" bargeIn="false" speechTimeout="auto">' +
        '<Say loop="0">Enter your PIN</Say></Gather>' +
        '<Dial timeout="15" hangupOnStar="true"> +15551234567 </Dial></Response>',
    );
    const [gather, dial] = document.children;
    expect(gather?.name === 'Gather' && gather.attributes).toMatchObject({
      numDigits: 4,
      timeout: 10,
      input: ['dtmf', 'speech'],
      bargeIn: false,
      speechTimeout: 'auto',
    });
    expect(dial?.name === 'Dial' && dial.text).toBe(' +15551234567 ');
    expect(dial?.name === 'Dial' && dial.attributes).toMatchObject({ timeout: 15, hangupOnStar: true });
  });

  it('applies the defaults the reference lists', () => {
    const expected: Record<string, Record<string, unknown>> = {
      Say: { voice: 'man', language: 'en-US', loop: 1 },
      Play: { loop: 1 },
      Pause: { length: 1 },
      Gather: {
        method: 'POST',
        timeout: 5,
        finishOnKey: '#',
        input: ['dtmf'],
        language: 'en-US',
        enhanced: false,
        profanityFilter: true,
        actionOnEmptyResult: false,
        bargeIn: true,
        partialResultCallbackMethod: 'POST',
        maxSpeechTime: 60,
      },
      Dial: {
        method: 'POST',
        timeout: 30,
        record: 'do-not-record',
        hangupOnStar: false,
        timeLimit: 14400,
        answerOnBridge: false,
        sequential: false,
      },
      Record: {
        method: 'POST',
        timeout: 5,
        finishOnKey: '1234567890*#',
        maxLength: 3600,
        playBeep: true,
        trim: 'trim-silence',
        transcribe: false,
      },
      Redirect: { method: 'POST' },
      Reject: { reason: 'rejected' },
      Enqueue: { method: 'POST', waitUrlMethod: 'POST' },
      Number: { method: 'POST', statusCallbackMethod: 'POST', statusCallbackEvent: ['completed'] },
      Conference: {
        muted: false,
        beep: true,
        startConferenceOnEnter: true,
        endConferenceOnExit: false,
        waitMethod: 'POST',
        maxParticipants: 250,
        record: 'do-not-record',
      },
      Queue: { method: 'POST' },
    };
    for (const [name, defaults] of Object.entries(expected)) {
      expect(voiceElements[name as keyof typeof voiceElements].defaults, name).toMatchObject(defaults);
    }
    expect(voiceElements.Gather.defaults).not.toHaveProperty('action');
    expect(voiceElements.Gather.defaults).not.toHaveProperty('numDigits');
  });

  it('keeps SSML inside Say in order, and decodes entities, character references and CDATA', () => {
    const { document } = ok(
      '<Response><Say voice="Polly.Joanna">Call &amp; press <say-as interpret-as="digits">123</say-as>' +
        '<break time="500ms"/> now&#x21; <![CDATA[<ok>]]><!-- dropped --> &#169;</Say></Response>',
    );
    expect(document.children[0]).toEqual({
      name: 'Say',
      attributes: { voice: 'Polly.Joanna', language: 'en-US', loop: 1 },
      content: [
        'Call & press ',
        { name: 'say-as', attributes: { 'interpret-as': 'digits' }, content: ['123'] },
        { name: 'break', attributes: { time: '500ms' } },
        ' now! <ok> ©',
      ],
    });
  });

  it('normalizes method and boolean letter case', () => {
    const { document } = ok('<Response><Redirect method="get">/x</Redirect><Dial hangupOnStar="TRUE"/></Response>');
    expect(document.children.map((v) => v.attributes)).toMatchObject([{ method: 'GET' }, { hangupOnStar: true }]);
  });

  it('gives every parse a fresh copy of default lists', () => {
    for (const xml of ['<Response><Gather/></Response>', '<Response><Gather numDigits="1"/></Response>']) {
      const first = ok(xml).document.children[0];
      if (first?.name === 'Gather') first.attributes.input.push('speech');
      const second = ok(xml).document.children[0];
      expect(second?.name === 'Gather' && second.attributes.input).toEqual(['dtmf']);
    }
  });

  it('parses messaging documents', () => {
    const result = parseMessaging(
      '<Response><Message to="+15551230000" action="/status">Hi<Media>https://m.example/a.png</Media></Message>' +
        '<Redirect>/next</Redirect></Response>',
    );
    expect(result.ok && result.document.children).toEqual([
      {
        name: 'Message',
        attributes: { to: '+15551230000', action: '/status', method: 'POST' },
        text: 'Hi',
        children: [{ name: 'Media', attributes: {}, text: 'https://m.example/a.png' }],
      },
      { name: 'Redirect', attributes: { method: 'POST' }, text: '/next' },
    ]);
  });
});

describe('errors name the place and the problem', () => {
  it('reports an attribute with its path, line, column, code and the allowed values', () => {
    const xml = '<Response>\n  <Gather>\n    <Say>one</Say>\n    <Say loop="many">two</Say>\n  </Gather>\n</Response>';
    expect(errors(xml)).toEqual([
      {
        code: 13510,
        type: 'invalid-attribute-value',
        message: '<Say> attribute loop="many" is invalid: expected a whole number from 0 to 1000',
        path: 'Response/Gather[1]/Say[2]@loop',
        line: 4,
        column: 10,
      },
    ]);
  });

  it('lists the allowed values of an enumerated attribute', () => {
    const [issue] = errors('<Response><Dial record="yes">+1555</Dial></Response>');
    expect(issue).toMatchObject({ code: 13217, path: 'Response/Dial[1]@record' });
    expect(issue?.message).toContain('do-not-record, record-from-answer, record-from-ringing');
    const [method] = errors('<Response><Gather method="PUT"/></Response>');
    expect(method).toMatchObject({ code: 13312, path: 'Response/Gather[1]@method' });
    expect(method?.message).toContain('expected GET or POST');
  });

  it('uses the compatible codes for the common attribute mistakes', () => {
    const cases: Array<[string, number]> = [
      ['<Gather finishOnKey="12"/>', 13310],
      ['<Gather timeout="-1"/>', 13313],
      ['<Gather numDigits="0"/>', 13314],
      ['<Dial timeLimit="0"/>', 13216],
      ['<Dial timeout="abc"/>', 13212],
      ['<Play loop="x">u</Play>', 13410],
      ['<Pause length="x"/>', 13910],
      ['<Record maxLength="0"/>', 13612],
      ['<Record finishOnKey="a"/>', 13613],
      ['<Dial><Conference beep="maybe">r</Conference></Dial>', 13235],
      ['<Dial><Number>call me</Number></Dial>', 13223],
      ['<Dial>not a number</Dial>', 13223],
    ];
    for (const [verb, code] of cases) expect(errors(`<Response>${verb}</Response>`)[0]?.code, verb).toBe(code);
  });

  it('enforces nesting: Gather holds only Say, Play and Pause; nouns stay inside their verb', () => {
    expect(errors('<Response><Gather><Dial>+1555</Dial></Gather></Response>')[0]).toMatchObject({
      code: 13320,
      type: 'invalid-nesting',
      path: 'Response/Gather[1]/Dial[1]',
    });
    const [noun] = errors('<Response><Number>+15551234567</Number></Response>');
    expect(noun).toMatchObject({ code: 12200, type: 'invalid-nesting', path: 'Response/Number[1]' });
    expect(noun?.message).toContain('it belongs in <Dial>');
    expect(errors('<Response><Play><Say>x</Say></Play></Response>')[0]?.type).toBe('invalid-nesting');
    expect(errors('<Response><Say><Play>x</Play></Say></Response>')[0]?.type).toBe('invalid-nesting');
  });

  it('collects every error, not only the first', () => {
    const found = errors('<Response><Say loop="x">a</Say><Pause length="y"/><Number>1</Number></Response>');
    expect(found.map((issue) => issue.path)).toEqual([
      'Response/Say[1]@loop',
      'Response/Pause[1]@length',
      'Response/Number[1]',
    ]);
  });
});

describe('warnings never fail a document', () => {
  it('keeps unknown attributes and elements, and niche verbs, without dropping siblings', () => {
    const result = ok(
      '<Response><Say pitch="high">Hi</Say><Pay chargeAmount="9.99"/><Teleport to="mars"/><Hangup/></Response>',
    );
    expect(result.warnings.map((w) => [w.code, w.type, w.path])).toEqual([
      [12200, 'unknown-attribute', 'Response/Say[1]@pitch'],
      [12200, 'opaque-element', 'Response/Pay[1]'],
      [12200, 'unknown-element', 'Response/Teleport[1]'],
    ]);
    expect(result.document.children.map((c) => (c.name === '#opaque' ? c.tag : c.name))).toEqual([
      'Say',
      'Pay',
      'Teleport',
      'Hangup',
    ]);
    expect(result.document.children[0]).toMatchObject({ extra: { pitch: 'high' } });
    expect(result.document.children[1]).toEqual({
      name: '#opaque',
      tag: 'Pay',
      attributes: { chargeAmount: '9.99' },
      content: [],
    });
  });

  it('warns about stray text between verbs', () => {
    expect(ok('<Response>oops<Hangup/></Response>').warnings[0]).toMatchObject({ code: 12200, type: 'ignored-text' });
  });
});

describe('document-level failures', () => {
  it('rejects documents over 64 KiB with 11750, counting UTF-8 bytes', () => {
    const wrap = (body: string) => `<Response><Say>${body}</Say></Response>`;
    const overhead = wrap('').length;
    expect(parseVoice(wrap('a'.repeat(65536 - overhead))).ok).toBe(true);
    expect(errors(wrap('a'.repeat(65537 - overhead)))[0]).toMatchObject({ code: 11750, type: 'too-large' });
    // 'é' is two bytes in UTF-8: under the limit in characters, over it in bytes.
    expect(errors(wrap('é'.repeat(40000)))[0]?.code).toBe(11750);
    expect(parseVoice(wrap('x'.repeat(100)), { maxBytes: 64 }).ok).toBe(false);
  });

  it('rejects malformed markup with 12100 and its position', () => {
    const cases = [
      '<Response><Say>hi</Response>',
      '<Response><Say>hi',
      '<Response></Response><Response/>',
      '',
      'just text',
      '<Response><Say loop>x</Say></Response>',
      '<Response a="1" a="2"/>',
      '<Response><Say>\u0001</Say></Response>',
      '<Response><Say>&#0;</Say></Response>',
      '<Response><Say>AT&T</Say></Response>',
      '<Response/>trailing text',
      '<Response/>text<!-- then a comment -->\n',
    ];
    for (const xml of cases) expect(errors(xml)[0]?.code, JSON.stringify(xml)).toBe(12100);
    expect(errors('<Response>\n<Say>hi</Gather></Response>')[0]).toMatchObject({ line: 2 });
    expect(errors('<Response>\n  <Say>Hel')[0]).toMatchObject({
      message: 'the document ends before <Response>, <Say> are closed',
      line: 2,
      column: 11,
    });
  });

  it('rejects a root other than Response with 12102', () => {
    expect(errors('<?xml version="1.0"?><Reply><Say>x</Say></Reply>')[0]).toMatchObject({ code: 12102, type: 'root' });
  });

  it('never expands entities: DOCTYPEs, billion laughs and external entities are refused', () => {
    const laughs =
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">' +
      '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;">]><Response><Say>&lol3;</Say></Response>';
    expect(errors(laughs)[0]).toMatchObject({ code: 12100, type: 'doctype' });
    const external = '<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><Response><Say>&xxe;</Say></Response>';
    expect(errors(external)[0]).toMatchObject({ code: 12100, type: 'doctype' });
    expect(errors('<Response><Say>&xxe;</Say></Response>')[0]).toMatchObject({ code: 12100, type: 'undefined-entity' });
  });

  it('rejects nesting deeper than the bound, however deep', () => {
    const nested = (depth: number) => `<Response><Say>${'<p>'.repeat(depth)}x${'</p>'.repeat(depth)}</Say></Response>`;
    expect(parseVoice(nested(14)).ok).toBe(true);
    expect(errors(nested(15))[0]).toMatchObject({ code: 12100, type: 'too-deep' });
    expect(errors(nested(9000))[0]).toMatchObject({ code: 12100, type: 'too-deep' });
    expect(parseVoice(nested(20), { maxDepth: 32 }).ok).toBe(true);
  });
});
