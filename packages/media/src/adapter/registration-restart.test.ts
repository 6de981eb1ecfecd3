import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAppServer } from '@patchbay/runtime/testing';
import { describe, it } from 'vitest';
import { freePort } from '../testing/processes.js';
import { hearsSpeech, phone, sipServer, useCleanup } from './scenarios.test-support.js';

const DOMAIN = 'restart.sip.patchbay.local';
const PASSWORD = 'Restart-Pass-2026';
const RTP = { min: 52400, max: 52498 };

describe('registrations across a restart, with a real phone', () => {
  const cleanup = useCleanup();

  it('a phone registered before the server restarted is reached after it, without registering again', async () => {
    const app = await startAppServer({
      '/hello': () => '<Response><Say>Hello Alice, the server is back.</Say><Pause length="5"/></Response>',
    });
    cleanup(() => app.close());
    const data = await mkdtemp(join(tmpdir(), 'patchbay-registrations-'));
    cleanup(() => rm(data, { recursive: true, force: true }));
    const sipPort = await freePort('127.0.0.1');

    const before = await sipServer(cleanup, { rtpPorts: RTP, data, sipPort });
    const list = await before.rest.post('SIP/CredentialLists.json', { FriendlyName: 'phones' });
    await before.rest.post(`SIP/CredentialLists/${String(list.sid)}/Credentials.json`, {
      Username: 'alice',
      Password: PASSWORD,
    });
    const domain = await before.rest.post('SIP/Domains.json', {
      DomainName: DOMAIN,
      VoiceUrl: `${app.url}/hello`,
      SipRegistration: 'true',
    });
    await before.rest.post(`SIP/Domains/${String(domain.sid)}/Auth/Registrations/CredentialListMappings.json`, {
      CredentialListSid: String(list.sid),
    });
    // The phone refreshes its registration every 600 s: well after this test.
    const alice = await phone(cleanup, {
      address: '127.0.0.123',
      tone: 700,
      account: { user: 'alice', domain: DOMAIN, password: PASSWORD, registrar: `sip:127.0.0.1:${sipPort}` },
    });
    await alice.waitFor('registered', 10_000);
    await before.server.close();

    const after = await sipServer(cleanup, { rtpPorts: RTP, data, sipPort });
    await after.rest.post('Calls.json', { To: `sip:alice@${DOMAIN}`, From: '+15550100100', Url: `${app.url}/hello` });
    await alice.waitFor('incoming', 10_000);
    await alice.accept();
    await alice.waitFor('established', 10_000);
    await hearsSpeech(alice, 300);
    await alice.hangup();
    await alice.waitFor('closed', 10_000);
  });
});
