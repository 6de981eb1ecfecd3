import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { AUTH_TOKEN, scenario } from './testing/scenario.js';

const OTHER = { sid: `AC${'b'.repeat(32)}`, authToken: 'other-account-token' };

describe('several accounts in one runtime', () => {
  it("signs each account's webhooks with its own token and keeps rooms, queues and recordings apart", async () => {
    await using s = await scenario({
      '/room': () => '<Response><Record maxLength="2" playBeep="false" action="/join"/></Response>',
      '/join': () => '<Response><Dial><Conference>shared-name</Conference></Dial></Response>',
    });
    s.network.addNumber('+15550005001', { hangupAfterMs: 10000 });
    s.network.addNumber('+15550005002', { hangupAfterMs: 10000 });
    const mine = s.runtime.calls.create({ to: '+15550005001', from: '+1', url: `${s.app.url}/room` });
    const theirs = s.runtime.calls.create({ account: OTHER, to: '+15550005002', from: '+1', url: `${s.app.url}/room` });
    const rooms = new Set<string>();
    s.runtime.events.on('conference.updated', (room) => rooms.add(`${room.accountSid} ${room.sid}`));
    await Promise.all([s.runtime.calls.ended(mine.sid), s.runtime.calls.ended(theirs.sid)]);

    expect(s.runtime.calls.get(theirs.sid)?.accountSid).toBe(OTHER.sid);
    for (const request of s.app.requests) {
      const token = request.params.AccountSid === OTHER.sid ? OTHER.authToken : AUTH_TOKEN;
      expect(
        twilio.validateRequest(token, String(request.headers['x-twilio-signature']), request.url, request.params),
      ).toBe(true);
    }
    expect(s.app.requests).toHaveLength(4);
    expect(new Set(s.app.requests.map((r) => r.params.AccountSid))).toEqual(new Set([s.runtime.accountSid, OTHER.sid]));
    expect(rooms.size).toBe(2);
    expect(s.runtime.conferences.list({ accountSid: OTHER.sid }).map((room) => room.friendlyName)).toEqual([
      'shared-name',
    ]);
    const recordings = s.runtime.recordings.list();
    expect(recordings.map((r) => r.accountSid).sort()).toEqual([s.runtime.accountSid, OTHER.sid].sort());
    expect(recordings.find((r) => r.accountSid === OTHER.sid)?.url).toContain(`/Accounts/${OTHER.sid}/Recordings/`);
  });
});
