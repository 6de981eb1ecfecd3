import { startAppServer } from '@patchbay/runtime/testing';
import { describe, expect, it } from 'vitest';
import { hearsTone, speechEnergy } from '../testing/audio-analysis.js';
import { startPhone } from '../testing/baresip.js';
import type { SipMediaAdapter } from './adapter.js';
import { cleanup, nextHeard, sipServer } from './server.test-support.js';

describe('patchbay serve --media sip, with real phones', () => {
  it('a phone calls a SIP domain with digest, the IVR gathers a key, dials a second phone, each hears the other, either hangs up', async () => {
    let bob = 'sip:nobody@127.0.0.1';
    const app = await startAppServer({
      '/voice': () =>
        '<Response><Gather numDigits="1" action="/pick" timeout="10"><Say>Press 1 for Bob.</Say></Gather></Response>',
      '/pick': (request) =>
        request.params.Digits === '1'
          ? `<Response><Dial action="/after"><Sip>${bob}</Sip></Dial></Response>`
          : '<Response><Hangup/></Response>',
      '/after': () => '<Response/>',
    });
    cleanup.push(() => app.close());
    const { server, sipPort, post } = await sipServer({ rtpPorts: [43000, 43998] });
    const list = await post('SIP/CredentialLists.json', { FriendlyName: 'staff' });
    await post(`SIP/CredentialLists/${list.sid ?? ''}/Credentials.json`, {
      Username: 'alice',
      Password: 'Secret-Pass-2026',
    });
    const domain = await post('SIP/Domains.json', {
      DomainName: 'acme.sip.patchbay.local',
      VoiceUrl: `${app.url}/voice`,
    });
    await post(`SIP/Domains/${domain.sid ?? ''}/Auth/Calls/CredentialListMappings.json`, {
      CredentialListSid: list.sid ?? '',
    });

    const alice = await startPhone({
      address: '127.0.0.21',
      tone: 600,
      account: {
        user: 'alice',
        domain: 'acme.sip.patchbay.local',
        password: 'Secret-Pass-2026',
        outboundProxy: `sip:127.0.0.1:${sipPort}`,
        register: false,
      },
    });
    cleanup.push(() => alice.close());
    const bobPhone = await startPhone({ address: '127.0.0.22', tone: 900 });
    cleanup.push(() => bobPhone.close());
    bob = bobPhone.uri;
    expect(bob).toMatch(/^sip:/);

    await alice.dial('sip:support@acme.sip.patchbay.local');
    await alice.waitFor('established', 10_000);
    // A person presses 1 once the prompt is heard.
    expect(speechEnergy(await nextHeard(alice, 800)).activeMs).toBeGreaterThan(300);
    await alice.sendDigits('1');
    await bobPhone.waitFor('incoming', 10_000);
    await bobPhone.accept();
    await bobPhone.waitFor('established');

    const aliceHears = await nextHeard(alice, 1000);
    const bobHears = await nextHeard(bobPhone, 1000);
    expect(hearsTone(aliceHears, 900)).toBe(true);
    expect(hearsTone(aliceHears, 600)).toBe(false);
    expect(hearsTone(bobHears, 600)).toBe(true);
    expect(hearsTone(bobHears, 900)).toBe(false);

    await bobPhone.hangup();
    await alice.waitFor('closed', 10_000);
    const first = app.requestsTo('/voice')[0]?.params;
    expect(first).toMatchObject({ SipDomain: 'acme.sip.patchbay.local', SipUsername: 'alice', Direction: 'inbound' });
    const after = app.requestsTo('/after')[0]?.params;
    expect(after).toMatchObject({ DialCallStatus: 'completed', DialSipResponseCode: '200' });
    expect((server.media as SipMediaAdapter).name).toBe('sip');
  });
});
