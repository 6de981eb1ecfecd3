import { describe, expect, it } from 'vitest';
import { harnessPerTest } from '../api/harness.test-support.js';
import { scenario } from '../testing/scenario.js';
import { storeSipDirectory } from './directory.js';
import { type SipInvite, sipDomainRouter, sipUriHost } from './inbound.js';
import { SecretBox } from './secret-box.js';

const startHarness = harnessPerTest();

const invite = (changes: Partial<SipInvite> = {}): SipInvite => ({
  requestUri: 'sip:alice@Acme.sip.patchbay.local;transport=tcp',
  from: 'sip:bob@127.0.0.5:5062',
  callId: 'a84b4c76e66710@127.0.0.5',
  sourceIp: '127.0.0.5',
  headers: [
    ['Via', 'SIP/2.0/UDP 127.0.0.5'],
    ['X-Ticket', '42'],
    ['x-customer-tier', 'gold'],
  ],
  ...changes,
});

describe('inbound calls to a SIP domain', () => {
  it("run the domain's VoiceUrl in its account, with the hosted SIP parameters and X- headers", async () => {
    const { client, store, account } = await startHarness();
    const domain = await client.sip.domains.create({
      domainName: 'acme.sip.patchbay.local',
      voiceUrl: 'http://127.0.0.1:9/voice',
      voiceMethod: 'GET',
      voiceStatusCallbackUrl: 'http://127.0.0.1:9/status',
    });
    const route = sipDomainRouter(store, storeSipDirectory(store, new SecretBox()));
    const routed = await route(invite({ username: 'alice' }));
    expect(routed).toMatchObject({
      url: 'http://127.0.0.1:9/voice',
      method: 'GET',
      statusCallback: 'http://127.0.0.1:9/status',
      statusCallbackMethod: 'POST',
      account: { sid: account.sid },
    });
    expect(routed?.params).toEqual({
      To: 'sip:alice@Acme.sip.patchbay.local;transport=tcp',
      From: 'sip:bob@127.0.0.5:5062',
      SipDomain: 'acme.sip.patchbay.local',
      SipDomainSid: domain.sid,
      SipCallId: 'a84b4c76e66710@127.0.0.5',
      SipSourceIp: '127.0.0.5',
      SipUsername: 'alice',
      'SipHeader_X-Ticket': '42',
      'SipHeader_x-customer-tier': 'gold',
    });
    const many = Array.from({ length: 50 }, (_, n) => [`X-H${n}`, 'v'.repeat(1000)] as const);
    const bounded = (await route(invite({ headers: many })))?.params ?? {};
    expect(Object.keys(bounded).filter((key) => key.startsWith('SipHeader_'))).toHaveLength(20);
    expect(bounded['SipHeader_X-H0']).toHaveLength(256);
    // No domain, or no VoiceUrl: not routed here.
    expect(await route(invite({ requestUri: 'sip:alice@other.sip.patchbay.local' }))).toBeUndefined();
    await client.sip.domains(domain.sid).update({ voiceUrl: '' });
    expect(await route(invite())).toBeUndefined();
  });

  it('read the host of a SIP URI', () => {
    expect(sipUriHost('sip:alice@Acme.example:5060;transport=tcp')).toBe('acme.example');
    expect(sipUriHost('<sips:acme.example>')).toBe('acme.example');
    expect(sipUriHost('sip:+15550100100@127.0.0.1')).toBe('127.0.0.1');
    expect(sipUriHost('tel:+15550100100')).toBeUndefined();
  });
});

describe('a routed call with parameters', () => {
  it('carries them on its first request, beside (and over) the standard ones, and not on later ones', async () => {
    let base = '';
    await using s = await scenario(
      {
        '/voice': () => '<Response><Redirect>/next</Redirect></Response>',
        '/next': () => '<Response><Hangup/></Response>',
      },
      {
        runtime: {
          incoming: () => ({
            url: `${base}/voice`,
            params: {
              To: 'sip:alice@acme.sip.patchbay.local',
              SipDomain: 'acme.sip.patchbay.local',
              'SipHeader_X-Ticket': '42',
            },
          }),
        },
      },
    );
    base = s.app.url;
    await s.inbound();
    const [first] = s.app.requestsTo('/voice');
    expect(first?.params).toMatchObject({
      To: 'sip:alice@acme.sip.patchbay.local',
      SipDomain: 'acme.sip.patchbay.local',
      'SipHeader_X-Ticket': '42',
      CallStatus: 'ringing',
      Direction: 'inbound',
    });
    expect(s.app.requestsTo('/next')[0]?.params).not.toHaveProperty('SipDomain');
  });
});
