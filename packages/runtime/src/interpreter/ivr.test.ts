import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { APP_NUMBER, AUTH_TOKEN, CALLER, scenario } from '../testing/scenario.js';

const { VoiceResponse } = twilio.twiml;

describe('an IVR end to end', () => {
  it('runs menu -> choice -> goodbye, with signed, complete webhooks', async () => {
    await using s = await scenario({
      '/voice': () => {
        const r = new VoiceResponse();
        r.gather({ numDigits: 1, action: '/menu' }).say('For sales press 1, for support press 2.');
        r.say('We did not get your choice.');
        return r.toString();
      },
      '/menu': (req) => {
        const r = new VoiceResponse();
        r.say(req.params.Digits === '2' ? 'Connecting you to support.' : 'Sales is closed.');
        r.hangup();
        return r.toString();
      },
    });
    const { call, caller } = await s.inbound({ inputs: [{ digits: '2' }] });

    expect(call).toMatchObject({ direction: 'inbound', from: CALLER, to: APP_NUMBER, status: 'completed', errors: [] });
    expect(caller.lines()).toEqual([
      'answered',
      'heard-speech "For sales press 1, for support press 2." (voice man, en-US)',
      'pressed 2',
      'heard-speech "Connecting you to support." (voice man, en-US)',
      'disconnected',
    ]);
    const [first, menu] = s.app.requests;
    expect(first?.params).toMatchObject({
      CallSid: call.sid,
      AccountSid: s.runtime.accountSid,
      From: CALLER,
      To: APP_NUMBER,
      CallStatus: 'ringing',
      ApiVersion: '2010-04-01',
      Direction: 'inbound',
    });
    expect(menu?.params).toMatchObject({ Digits: '2', CallStatus: 'in-progress' });
    for (const request of s.app.requests) {
      expect(
        twilio.validateRequest(AUTH_TOKEN, String(request.headers['x-twilio-signature']), request.url, request.params),
      ).toBe(true);
    }
  });

  it('lets input interrupt the prompt (barge-in), and ends a Gather on finishOnKey', async () => {
    await using s = await scenario({
      '/voice': () =>
        '<Response><Gather action="/got"><Say>This is a very long prompt that keeps going and going</Say><Say>Never heard</Say></Gather></Response>',
      '/got': () => '<Response><Hangup/></Response>',
    });
    const { caller } = await s.inbound({ inputs: [{ digits: '12#', afterMs: 1000 }] });
    expect(caller.lines().filter((line) => line.startsWith('heard'))).toEqual([
      'heard-speech "This is a very long prompt that keeps going and going" (voice man, en-US)',
    ]);
    expect(s.app.requestsTo('/got')[0]?.params.Digits).toBe('12');
  });

  it('falls through to the next verb when nothing is gathered, or posts empty Digits with actionOnEmptyResult', async () => {
    await using s = await scenario({
      '/voice': () =>
        '<Response><Gather timeout="3"><Say>Enter a code</Say></Gather><Gather timeout="2" actionOnEmptyResult="true" action="/empty"/></Response>',
      '/empty': () => '<Response><Say>Nothing entered</Say></Response>',
    });
    const { call, caller } = await s.inbound({ inputs: [{ silence: true }, { silence: true }] });
    expect(s.app.requestsTo('/empty')[0]?.params.Digits).toBe('');
    expect(caller.lines()).toContain('heard-speech "Nothing entered" (voice man, en-US)');
    // "Enter a code" (3 words at 300 ms), 3 s and 2 s of waiting, then "Nothing entered" (2 words).
    expect((call.endedAt ?? 0) - (call.startedAt ?? 0)).toBe(900 + 3000 + 2000 + 600);
  });

  it('posts speech results to the action, and the current document when there is no action', async () => {
    await using s = await scenario({
      '/voice': (req) =>
        req.params.SpeechResult
          ? `<Response><Say>You said ${req.params.SpeechResult}</Say></Response>`
          : '<Response><Gather input="speech" speechTimeout="auto"><Say>How can we help?</Say></Gather></Response>',
    });
    const { caller } = await s.inbound({ inputs: [{ speech: 'billing question', confidence: 0.87 }] });
    const second = s.app.requestsTo('/voice')[1];
    expect(second?.params).toMatchObject({ SpeechResult: 'billing question', Confidence: '0.87000000' });
    expect(caller.lines()).toContain('heard-speech "You said billing question" (voice man, en-US)');
  });

  it('delays answering while a first Pause runs', async () => {
    await using s = await scenario({ '/voice': () => '<Response><Pause length="2"/><Say>Hello</Say></Response>' });
    const { call, caller } = await s.inbound();
    expect(caller.transcript[0]).toMatchObject({ type: 'answered' });
    expect((call.startedAt ?? 0) - call.createdAt).toBe(2000);
  });

  it('rejects without answering: busy, or no-answer for reason rejected', async () => {
    await using s = await scenario({
      '/voice': (req) => `<Response><Reject reason="${req.params.From === '+1' ? 'busy' : 'rejected'}"/></Response>`,
    });
    const busy = await s.inbound({ from: '+1' });
    expect(busy.call.status).toBe('busy');
    expect(busy.caller.lines()).toEqual(['busy']);
    const rejected = await s.inbound({ from: '+2' });
    expect(rejected.call).toMatchObject({ status: 'no-answer', duration: 0 });
  });

  it.each([
    ['an empty document', '<Response/>'],
    ['<Hangup> first', '<Response><Hangup/></Response>'],
    ['only verbs it skips', '<Response><Sayy>Hi</Sayy></Response>'],
  ])(
    'answers, then ends completed, a call whose document is %s (only <Reject> leaves it unanswered)',
    async (_, doc) => {
      await using s = await scenario({ '/voice': () => doc });
      const { call, caller } = await s.inbound();
      expect(call).toMatchObject({ status: 'completed', duration: 0 });
      expect(caller.lines()).toEqual(['answered', 'disconnected']);
    },
  );

  it('resolves relative URLs against the document and follows Redirect with its method', async () => {
    await using s = await scenario({
      '/voice': () => '<Response><Redirect method="GET">ivr/step?x=1</Redirect></Response>',
      '/ivr/step': () => '<Response><Play>../audio/hello.mp3</Play></Response>',
    });
    const { caller } = await s.inbound();
    expect(s.app.requestsTo('/ivr/step')[0]).toMatchObject({
      method: 'GET',
      params: expect.objectContaining({ x: '1', CallSid: expect.any(String) }),
    });
    expect(caller.lines()).toContain(`heard-audio ${s.app.url}/audio/hello.mp3`);
  });

  it.each([
    ['to its own URL', '<Redirect>/voice</Redirect>'],
    ['empty (the current document again)', '<Redirect/>'],
  ])('stops a redirect loop (%s) with an error and an announcement', async (_, redirect) => {
    await using s = await scenario(
      { '/voice': () => `<Response>${redirect}</Response>` },
      { runtime: { maxFetchesWithoutProgress: 5 } },
    );
    const { call, caller } = await s.inbound();
    expect(s.app.requestsTo('/voice')).toHaveLength(6);
    expect(call.errors.map((e) => e.code)).toEqual([11215]);
    expect(caller.lines()).toContain(
      'heard-speech "We are sorry, an application error has occurred. Goodbye." (voice alice, en-US)',
    );
  });

  it('plays audio responses and speaks text/plain ones', async () => {
    await using s = await scenario({
      '/voice': () => '<Response><Redirect>/mp3</Redirect></Response>',
      '/mp3': () => ({ headers: { 'content-type': 'audio/mpeg' }, body: 'ID3' }),
    });
    const { caller } = await s.inbound();
    expect(caller.lines()).toContain(`heard-audio ${s.app.url}/mp3`);
    await using t = await scenario({
      '/voice': () => ({ headers: { 'content-type': 'text/plain' }, body: 'Plain hello' }),
    });
    expect((await t.inbound()).caller.lines()).toContain('heard-speech "Plain hello" (voice man, en-US)');
  });
});

describe('failures and the fallback URL', () => {
  it('requests the fallback with ErrorCode and ErrorUrl when the app fails, and records the error', async () => {
    await using s = await scenario(
      { '/voice': () => ({ status: 500 }), '/fallback': () => '<Response><Say>Backup app</Say></Response>' },
      { inbound: (appUrl) => ({ fallbackUrl: `${appUrl}/fallback` }) },
    );
    const { call, caller } = await s.inbound();
    expect(caller.lines()).toContain('heard-speech "Backup app" (voice man, en-US)');
    expect(s.app.requestsTo('/fallback')[0]?.params).toMatchObject({
      ErrorCode: '11200',
      ErrorUrl: `${s.app.url}/voice`,
    });
    expect(call.errors).toEqual([expect.objectContaining({ code: 11200, url: `${s.app.url}/voice` })]);
  });

  it.each([
    ['a server error', () => ({ status: 500 }), 11200],
    ['invalid markup', () => '<Response><Say>unclosed</Response>', 12100],
    ['a wrong content type', () => ({ headers: { 'content-type': 'application/json' }, body: '{}' }), 12300],
    ['an oversize document', () => `<Response><Say>${'x'.repeat(70000)}</Say></Response>`, 11750],
  ])('with no fallback, %s ends the call after the application-error announcement', async (_, route, code) => {
    await using s = await scenario({ '/voice': route });
    const { call, caller } = await s.inbound();
    expect(call.errors[0]?.code).toBe(code);
    expect(caller.lines()).toEqual([
      'answered',
      'heard-speech "We are sorry, an application error has occurred. Goodbye." (voice alice, en-US)',
      'disconnected',
    ]);
    expect(call.status).toBe('completed');
  });
});
