import { describe, expect, it } from 'vitest';
import { SimulatedMessaging } from '../messaging/simulated.js';
import { APP_NUMBER, CALLER, scenario } from '../testing/scenario.js';

describe('<Sms>', () => {
  it('texts the caller from the number called, reports delivery, and posts SmsSid to the action', async () => {
    await using s = await scenario({
      '/voice': () =>
        '<Response><Say>We will text you the link</Say><Sms action="/sent" statusCallback="/sms-status">Your link: https://example.com/r/42</Sms></Response>',
      '/sent': () => '<Response><Say>Sent</Say></Response>',
      '/sms-status': () => '',
    });
    const delivered = new Promise<void>((resolve) =>
      s.runtime.events.on('message.updated', (m) => m.status === 'delivered' && resolve()),
    );
    const { call, caller } = await s.inbound();
    await delivered;
    await s.runtime.callbacks.drain();
    const sent = s.app.requestsTo('/sent')[0]?.params;
    expect(sent).toMatchObject({ SmsStatus: 'sending', SmsSid: expect.stringMatching(/^SM[0-9a-f]{32}$/) });
    expect(caller.lines()).toContain('heard-speech "Sent" (voice man, en-US)');
    const message = s.runtime.messages.get(String(sent?.SmsSid));
    expect(message).toMatchObject({
      from: APP_NUMBER,
      to: CALLER,
      body: 'Your link: https://example.com/r/42',
      callSid: call.sid,
      direction: 'outbound-call',
      status: 'delivered',
    });
    expect(s.app.requestsTo('/sms-status').map((r) => r.params.MessageStatus)).toEqual([
      'sending',
      'sent',
      'delivered',
    ]);
    expect(s.app.requestsTo('/sms-status')[2]?.params).toMatchObject({
      MessageSid: sent?.SmsSid,
      SmsSid: sent?.SmsSid,
      SmsStatus: 'delivered',
      To: CALLER,
    });
  });

  it('uses to and from when given, continues without an action, and reports undelivered with its code', async () => {
    const messaging = new SimulatedMessaging({ stepMs: 1 });
    messaging.fail('+15550009999', 30005);
    await using s = await scenario(
      {
        '/voice': () =>
          '<Response><Sms to="+15550009999" from="+15550001111" statusCallback="/sms-status">Hi</Sms><Say>Next verb</Say></Response>',
        '/sms-status': () => '',
      },
      { runtime: { messaging } },
    );
    const undelivered = new Promise<void>((resolve) =>
      s.runtime.events.on('message.updated', (m) => m.status === 'undelivered' && resolve()),
    );
    const { caller } = await s.inbound();
    await undelivered;
    await s.runtime.callbacks.drain();
    expect(caller.lines()).toContain('heard-speech "Next verb" (voice man, en-US)');
    expect(messaging.outbox).toEqual([
      expect.objectContaining({ to: '+15550009999', from: '+15550001111', body: 'Hi' }),
    ]);
    expect(s.app.requestsTo('/sms-status').at(-1)?.params).toMatchObject({
      MessageStatus: 'undelivered',
      ErrorCode: '30005',
    });
  });
});
