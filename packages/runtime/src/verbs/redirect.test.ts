import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { APP_NUMBER, CALLER, scenario } from '../testing/scenario.js';

const { VoiceResponse, MessagingResponse } = twilio.twiml;

describe('an empty <Redirect/>', () => {
  it('fetches the current document again, POST by default, and the app goes on from there', async () => {
    let visits = 0;
    await using s = await scenario({
      '/voice': () => {
        visits++;
        const r = new VoiceResponse();
        if (visits === 1) {
          r.say('Please hold.');
          // The helper library writes `<Redirect/>` for a redirect with no URL.
          r.redirect('');
        } else r.say('Thanks for holding.');
        return r.toString();
      },
    });
    const { call, caller } = await s.inbound();
    expect(call.errors).toEqual([]);
    expect(caller.lines()).toEqual([
      'answered',
      'heard-speech "Please hold." (voice man, en-US)',
      'heard-speech "Thanks for holding." (voice man, en-US)',
      'disconnected',
    ]);
    const requests = s.app.requestsTo('/voice');
    expect(requests.map((r) => [r.method, r.params.CallStatus])).toEqual([
      ['POST', 'ringing'],
      ['POST', 'in-progress'],
    ]);
  });

  it('keeps the query of the current document and uses the method given', async () => {
    await using s = await scenario(
      {
        '/voice': (req) =>
          req.method === 'POST'
            ? '<Response><Say>Step one</Say><Redirect method="GET"/></Response>'
            : '<Response><Say>Step two</Say></Response>',
      },
      { inbound: (appUrl) => ({ url: `${appUrl}/voice?menu=main` }) },
    );
    const { caller } = await s.inbound();
    expect(caller.lines()).toContain('heard-speech "Step two" (voice man, en-US)');
    const again = s.app.requestsTo('/voice')[1];
    expect(again?.method).toBe('GET');
    expect(again?.params).toMatchObject({ menu: 'main', CallSid: expect.any(String) });
  });

  it('in a messaging document, fetches that document again (bounded by the redirect limit)', async () => {
    let visits = 0;
    await using s = await scenario({
      '/sms': () => {
        visits++;
        const r = new MessagingResponse();
        if (visits === 1) r.redirect('');
        else r.message('Second look');
        return r.toString();
      },
      '/loop': () => new MessagingResponse().redirect('').toString(),
    });
    const result = await s.runtime.messages.receive({
      from: CALLER,
      to: APP_NUMBER,
      body: 'hi',
      app: { url: `${s.app.url}/sms` },
    });
    expect(result?.error).toBeUndefined();
    expect(result?.replies.map((m) => m.body)).toEqual(['Second look']);
    expect(s.app.requestsTo('/sms')).toHaveLength(2);

    const looping = await s.runtime.messages.receive({
      from: CALLER,
      to: APP_NUMBER,
      body: 'hi',
      app: { url: `${s.app.url}/loop` },
    });
    expect(looping?.error?.numericCode).toBe(11215);
    expect(s.app.requestsTo('/loop')).toHaveLength(11);
  });
});
