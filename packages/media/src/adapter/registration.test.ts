import { startAppServer } from '@patchbay/runtime/testing';
import { describe, expect, it } from 'vitest';
import { hearsTone, speechEnergy } from '../testing/audio-analysis.js';
import { startPhone } from '../testing/baresip.js';
import { awaited, cleanup, nextHeard, sipServer } from './server.test-support.js';

const DOMAIN = 'reg.sip.patchbay.local';
const PASSWORD = 'Register-Pass-2026';

describe('a SIP domain with registration, with real phones', () => {
  it('a phone registers with digest and is reached at its binding by <Dial><Sip> and a REST call; a wrong password and an unregistered user are refused', async () => {
    const done = awaited('<Response/>');
    const status = awaited('');
    const app = await startAppServer({
      '/hello': () => '<Response><Say>Hello Alice, this is a call for you.</Say><Pause length="5"/></Response>',
      '/dial': () => `<Response><Dial action="/after" timeout="15"><Sip>sip:alice@${DOMAIN}</Sip></Dial></Response>`,
      '/after': done.route,
      '/status': status.route,
    });
    cleanup.push(() => app.close());
    const { sipPort, post } = await sipServer({ rtpPorts: [50000, 50398] });
    const list = await post('SIP/CredentialLists.json', { FriendlyName: 'phones' });
    await post(`SIP/CredentialLists/${list.sid ?? ''}/Credentials.json`, { Username: 'alice', Password: PASSWORD });
    const domain = await post('SIP/Domains.json', {
      DomainName: DOMAIN,
      VoiceUrl: `${app.url}/hello`,
      SipRegistration: 'true',
    });
    await post(`SIP/Domains/${domain.sid ?? ''}/Auth/Registrations/CredentialListMappings.json`, {
      CredentialListSid: list.sid ?? '',
    });

    const registrar = `sip:127.0.0.1:${sipPort}`;
    const alice = await startPhone({
      address: '127.0.0.120',
      tone: 700,
      account: { user: 'alice', domain: DOMAIN, password: PASSWORD, registrar },
    });
    cleanup.push(() => alice.close());
    await alice.waitFor('registered', 10_000);

    const intruder = await startPhone({
      address: '127.0.0.121',
      account: { user: 'alice', domain: DOMAIN, password: 'not-the-password', registrar },
    });
    cleanup.push(() => intruder.close());
    await intruder.waitFor('registerFailed', 10_000);

    // A REST call to the user's address of record rings the phone where it registered from.
    await post('Calls.json', { To: `sip:alice@${DOMAIN}`, From: '+15550100100', Url: `${app.url}/hello` });
    await alice.waitFor('incoming', 10_000);
    await alice.accept();
    await alice.waitFor('established', 10_000);
    expect(speechEnergy(await nextHeard(alice, 1500)).activeMs).toBeGreaterThan(300);
    await alice.hangup();
    await alice.waitFor('closed', 10_000);

    // <Dial><Sip> from another call reaches the same binding; each hears the other's tone.
    const bob = await startPhone({ address: '127.0.0.122', tone: 1100, autoAnswer: true });
    cleanup.push(() => bob.close());
    await post('Calls.json', { To: bob.uri, From: '+15550100100', Url: `${app.url}/dial` });
    await bob.waitFor('established', 10_000);
    await alice.waitFor('incoming', 10_000);
    await alice.accept();
    await alice.waitFor('established', 10_000);
    expect(hearsTone(await nextHeard(alice, 1000), 1100)).toBe(true);
    expect(hearsTone(await nextHeard(bob, 1000), 700)).toBe(true);
    await alice.hangup();
    expect((await done.next()).params).toMatchObject({ DialCallStatus: 'completed' });

    // A user with no binding: the hosted service's 480, reported as no-answer.
    const nobody = await post('Calls.json', {
      To: `sip:carol@${DOMAIN}`,
      From: '+15550100100',
      Url: `${app.url}/hello`,
      StatusCallback: `${app.url}/status`,
    });
    const final = await status.next();
    expect(final.params).toMatchObject({ CallSid: nobody.sid, CallStatus: 'no-answer' });
  });
});
