import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { callPlaceParams } from '../calls/geo.js';
import { APP_NUMBER, AUTH_TOKEN, scenario } from '../testing/scenario.js';

const SAN_FRANCISCO = '+14155551234';

describe('caller location parameters', () => {
  it('are on every voice webhook and status callback, signed with the rest', async () => {
    await using s = await scenario(
      { '/voice': () => '<Response><Say>Hi</Say></Response>', '/status': () => '' },
      { inbound: (appUrl) => ({ statusCallback: `${appUrl}/status` }) },
    );
    await s.inbound({ from: SAN_FRANCISCO });
    // The values themselves are pinned in calls/geo.test.ts; here: they reach every request.
    const location = callPlaceParams(SAN_FRANCISCO, APP_NUMBER);
    expect(location).toMatchObject({ FromCity: 'SAN FRANCISCO', CalledCountry: 'US' });
    const [voice] = s.app.requestsTo('/voice');
    const [status] = s.app.requestsTo('/status');
    expect(voice?.params).toMatchObject({ From: SAN_FRANCISCO, To: APP_NUMBER, ...location });
    expect(status?.params).toMatchObject({ CallStatus: 'completed', ...location });
    for (const request of s.app.requests)
      expect(
        twilio.validateRequest(AUTH_TOKEN, String(request.headers['x-twilio-signature']), request.url, request.params),
      ).toBe(true);
  });

  it('are on inbound message webhooks (From* and To*)', async () => {
    await using s = await scenario({ '/sms': () => '<Response/>' });
    await s.runtime.messages.receive({
      from: '+12125550100',
      to: APP_NUMBER,
      body: 'hello',
      app: { url: `${s.app.url}/sms` },
    });
    expect(s.app.requestsTo('/sms')[0]?.params).toMatchObject({
      FromCity: 'NEW YORK',
      FromState: 'NY',
      FromZip: '',
      FromCountry: 'US',
      ToCity: '',
      ToCountry: 'US',
    });
  });

  it('are empty strings for client identities', async () => {
    await using s = await scenario({
      '/call': () => '<Response><Say>Hi</Say></Response>',
    });
    s.network.addClient('alice', {});
    const call = s.runtime.calls.create({ to: 'client:alice', from: SAN_FRANCISCO, url: `${s.app.url}/call` });
    await s.runtime.calls.ended(call.sid);
    expect(s.app.requestsTo('/call')[0]?.params).toMatchObject({
      ToCity: '',
      ToState: '',
      ToZip: '',
      ToCountry: '',
      CalledCountry: '',
      FromCountry: 'US',
    });
  });
});
