import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningServer, startServer } from '@patchbay/runtime';
import { type AppServer, startAppServer } from '@patchbay/runtime/testing';
import { afterEach, describe, expect, it } from 'vitest';
import * as media from '../index.js';
import { hearsTone, speechEnergy } from '../testing/audio-analysis.js';
import { type Phone, startPhone } from '../testing/baresip.js';
import { freePort } from '../testing/processes.js';
import type { SipMediaAdapter } from './adapter.js';

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step().catch(() => undefined);
});

/** What a phone hears in the next `ms`. */
async function nextHeard(phone: Phone, ms: number): Promise<Int16Array> {
  const before = (await phone.heard()).length;
  const heard = await phone.listen(before / 8 + ms);
  return heard.subarray(before);
}

async function sipServer(app: AppServer): Promise<{ server: RunningServer; sipPort: number; rest: typeof fetch }> {
  const data = await mkdtemp(join(tmpdir(), 'patchbay-sip-server-'));
  cleanup.push(() => rm(data, { recursive: true, force: true }));
  const sipPort = await freePort('127.0.0.1');
  const server = await startServer({
    port: 0,
    data,
    media: {
      kind: 'sip',
      listen: [{ host: '127.0.0.1', port: sipPort, transports: ['udp'] }],
      rtpPorts: { min: 43000, max: 43998 },
      allow: [],
      trunks: [],
    },
    sipMedia: media,
  });
  cleanup.push(() => server.close());
  const { sid, authToken } = server.account;
  const rest = ((path: string, form: Record<string, string>) =>
    fetch(`${server.url}/2010-04-01/Accounts/${sid}/${path}`, {
      method: 'POST',
      headers: { authorization: `Basic ${btoa(`${sid}:${authToken}`)}` },
      body: new URLSearchParams(form),
    }).then(async (response) => {
      const body = (await response.json()) as Record<string, string>;
      if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(body)}`);
      return body;
    })) as unknown as typeof fetch;
  void app;
  return { server, sipPort, rest };
}

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
    const { server, sipPort, rest } = await sipServer(app);
    const post = rest as unknown as (path: string, form: Record<string, string>) => Promise<Record<string, string>>;
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
