/**
 * A phone registered with one node of a cluster is reached from another: two `--media sip` nodes
 * on one PostgreSQL database and one redis-server, Alice's phone registered with node A, Bob's
 * phone calling the line on node B, whose app dials Alice's address of record. Node B finds the
 * binding node A saved in the shared store, rings Alice where she registered from, and the two
 * hear each other.
 */
import { startAppServer } from '@patchbay/runtime/testing';
import { describe, expect, it } from 'vitest';
import { hearsTone } from '../testing/audio-analysis.js';
import { lineOf, type RunningNode, sipCluster } from '../webrtc/cluster.test-support.js';
import type { SipMediaAdapter } from './adapter.js';
import { eventually, nextHeard, phone, SUPPORT_LINE, useCleanup } from './scenarios.test-support.js';

const DOMAIN = 'cluster.sip.patchbay.local';
const PASSWORD = 'Cluster-Pass-2026';
const ALICE = { address: '127.0.72.11', tone: 700 };
const BOB = { address: '127.0.72.12', tone: 1100 };

describe('SIP registrations across nodes, with real phones', () => {
  const cleanup = useCleanup();

  it('a phone registered with node A is rung by <Dial><Sip> on node B, and each party hears the other', async () => {
    const [a, b] = (await sipCluster(
      cleanup,
      [
        { id: 'node-a', host: '127.0.72.1', rtpPorts: { min: 55400, max: 55499 } },
        { id: 'node-b', host: '127.0.72.2', rtpPorts: { min: 55500, max: 55599 } },
      ],
      [BOB.address],
    )) as [RunningNode, RunningNode];
    const dialed: Array<Record<string, string>> = [];
    const app = await startAppServer({
      '/voice': () => `<Response><Dial action="/after" timeout="15"><Sip>sip:alice@${DOMAIN}</Sip></Dial></Response>`,
      '/after': (request) => {
        dialed.push(request.params as Record<string, string>);
        return '<Response><Hangup/></Response>';
      },
      '/alice': () => '<Response><Reject/></Response>',
    });
    cleanup(() => app.close());
    await b.rest.post('IncomingPhoneNumbers.json', { PhoneNumber: SUPPORT_LINE, VoiceUrl: `${app.url}/voice` });
    const list = await a.rest.post('SIP/CredentialLists.json', { FriendlyName: 'phones' });
    await a.rest.post(`SIP/CredentialLists/${String(list.sid)}/Credentials.json`, {
      Username: 'alice',
      Password: PASSWORD,
    });
    const domain = await a.rest.post('SIP/Domains.json', {
      DomainName: DOMAIN,
      VoiceUrl: `${app.url}/alice`,
      SipRegistration: 'true',
    });
    await a.rest.post(`SIP/Domains/${String(domain.sid)}/Auth/Registrations/CredentialListMappings.json`, {
      CredentialListSid: String(list.sid),
    });
    const [mediaA, mediaB] = [a.media, b.media] as [SipMediaAdapter, SipMediaAdapter];
    const at = mediaA.agent.addresses[0];
    const registrar = `sip:${at?.host}:${at?.port}`;
    const alice = await phone(cleanup, {
      ...ALICE,
      account: { user: 'alice', domain: DOMAIN, password: PASSWORD, registrar },
    });
    await alice.waitFor('registered', 10_000);
    // Node A holds the binding; node B holds none of its own.
    const aor = `sip:alice@${DOMAIN}`;
    expect(mediaA.registrar.lookup(aor)).toHaveLength(1);
    expect(mediaB.registrar.lookup(aor)).toHaveLength(0);

    const bob = await phone(cleanup, BOB);
    await bob.dial(lineOf(b, SUPPORT_LINE));
    await alice.waitFor('incoming', 10_000);
    await alice.accept();
    await alice.waitFor('established', 10_000);
    await bob.waitFor('established', 10_000);
    // Each hears the other's tone, not its own.
    const [aliceHeard, bobHeard] = await Promise.all([nextHeard(alice, 1500), nextHeard(bob, 1500)]);
    expect(hearsTone(aliceHeard, BOB.tone)).toBe(true);
    expect(hearsTone(aliceHeard, ALICE.tone)).toBe(false);
    expect(hearsTone(bobHeard, ALICE.tone)).toBe(true);
    expect(hearsTone(bobHeard, BOB.tone)).toBe(false);

    await alice.hangup();
    await bob.waitFor('closed', 10_000);
    const after = await eventually('the Dial action', () => dialed[0]);
    expect(after.DialCallStatus).toBe('completed');
  }, 90_000);
});
