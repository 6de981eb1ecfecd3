/**
 * The SIP directory answers from what the REST API wrote (set up here through the official
 * helper), on the in-memory store and on a SQLite file: domains by name, passwords by mapping,
 * sources by IP access control list, trunks by their targets' addresses, outbound targets in order.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { harnessPerTest } from '../api/harness.test-support.js';
import { updateTrunk } from '../api/voice-v1.test-support.js';
import { MemoryStore } from '../store/memory.js';
import { SqliteStore } from '../store/sqlite.js';
import type { Store } from '../store/types.js';
import { storeSipDirectory } from './directory.js';
import { SecretBox } from './secret-box.js';

const startHarness = harnessPerTest();
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const STORES: Array<[string, () => Promise<Store>]> = [
  ['memory', async () => new MemoryStore()],
  [
    'SQLite',
    async () => {
      const directory = await mkdtemp(join(tmpdir(), 'patchbay-sip-directory-'));
      const store = await SqliteStore.open(directory);
      cleanups.push(async () => {
        await store.close();
        await rm(directory, { recursive: true, force: true });
      });
      return store;
    },
  ],
];

describe.each(STORES)('the SIP directory on the %s store', (_, openStore) => {
  async function setup() {
    const secrets = new SecretBox();
    const store = await openStore();
    const harness = await startHarness({ store, api: { sip: { secrets } } });
    return { ...harness, directory: storeSipDirectory(store, secrets, { random: () => 0 }) };
  }

  it('finds a domain by name, with its voice settings and which authentication it has mapped', async () => {
    const { client, clientFor, directory, account } = await setup();
    const domain = await client.sip.domains.create({
      domainName: 'acme.sip.patchbay.local',
      voiceUrl: 'http://127.0.0.1:9/voice',
      voiceMethod: 'GET',
      sipRegistration: true,
    });
    expect(await directory.domainByName('ACME.sip.patchbay.local')).toEqual({
      accountSid: account.sid,
      domainSid: domain.sid,
      domainName: 'acme.sip.patchbay.local',
      voice: {
        voiceUrl: 'http://127.0.0.1:9/voice',
        voiceMethod: 'GET',
        voiceFallbackMethod: 'POST',
        statusCallbackMethod: 'POST',
      },
      registrationEnabled: true,
      callAuth: { credentials: false, ipAcl: false },
    });
    expect(await directory.domainByName('other.sip.patchbay.local')).toBeUndefined();
    // A suspended account's domain is not found.
    const sub = await client.api.v2010.accounts.create({ friendlyName: 'Tenant' });
    await clientFor(sub.sid, sub.authToken).sip.domains.create({ domainName: 'tenant.sip.patchbay.local' });
    expect((await directory.domainByName('tenant.sip.patchbay.local'))?.accountSid).toBe(sub.sid);
    await client.api.v2010.accounts(sub.sid).update({ status: 'suspended' });
    expect(await directory.domainByName('tenant.sip.patchbay.local')).toBeUndefined();
  });

  it('gives the password of a username in the lists mapped for calls, or for registrations, and nothing else', async () => {
    const { client, directory } = await setup();
    const domain = await client.sip.domains.create({ domainName: 'acme.sip.patchbay.local', sipRegistration: true });
    const phones = await client.sip.credentialLists.create({ friendlyName: 'Phones' });
    await client.sip
      .credentialLists(phones.sid)
      .credentials.create({ username: 'alice', password: 'IWasAtSignal2018' });
    expect(await directory.verifyCallCredential(domain.sid, 'alice')).toBeUndefined();
    const d = client.sip.domains(domain.sid);
    await d.auth.calls.credentialListMappings.create({ credentialListSid: phones.sid });
    expect(await directory.verifyCallCredential(domain.sid, 'alice')).toBe('IWasAtSignal2018');
    expect(await directory.verifyCallCredential(domain.sid, 'bob')).toBeUndefined();
    expect(await directory.verifyRegistrationCredential(domain.sid, 'alice')).toBeUndefined();
    await d.auth.registrations.credentialListMappings.create({ credentialListSid: phones.sid });
    expect(await directory.verifyRegistrationCredential(domain.sid, 'alice')).toBe('IWasAtSignal2018');
    await d.update({ sipRegistration: false });
    expect(await directory.verifyRegistrationCredential(domain.sid, 'alice')).toBeUndefined();
    expect((await directory.domainByName('acme.sip.patchbay.local'))?.callAuth).toEqual({
      credentials: true,
      ipAcl: false,
    });
    // A changed password is in effect at once; an unmapped list no longer counts.
    const [alice] = await client.sip.credentialLists(phones.sid).credentials.list();
    await client.sip
      .credentialLists(phones.sid)
      .credentials(alice?.sid as string)
      .update({ password: 'NewPassword2026' });
    expect(await directory.verifyCallCredential(domain.sid, 'alice')).toBe('NewPassword2026');
    await d.auth.calls.credentialListMappings(phones.sid).remove();
    expect(await directory.verifyCallCredential(domain.sid, 'alice')).toBeUndefined();
  });

  it('allows the sources in the IP access control lists mapped for calls', async () => {
    const { client, directory } = await setup();
    const domain = await client.sip.domains.create({ domainName: 'acme.sip.patchbay.local' });
    const acl = await client.sip.ipAccessControlLists.create({ friendlyName: 'PBX' });
    await client.sip.ipAccessControlLists(acl.sid).ipAddresses.create({
      friendlyName: 'office',
      ipAddress: '127.0.0.0',
      cidrPrefixLength: 30,
    });
    expect(await directory.ipAllowed(domain.sid, '127.0.0.2')).toBe(false);
    await client.sip.domains(domain.sid).ipAccessControlListMappings.create({ ipAccessControlListSid: acl.sid });
    expect(await directory.ipAllowed(domain.sid, '127.0.0.2')).toBe(true);
    expect(await directory.ipAllowed(domain.sid, '::ffff:127.0.0.3')).toBe(true);
    expect(await directory.ipAllowed(domain.sid, '127.0.0.4')).toBe(false);
    expect(await directory.ipAllowed(`SD${'0'.repeat(32)}`, '127.0.0.2')).toBe(false);
  });

  it("knows a carrier by its targets' addresses, and orders an account's targets for outbound calls", async () => {
    const harness = await setup();
    const { client, directory, account } = harness;
    const voice = client.voice.v1;
    const policy = await voice.connectionPolicies.create({ friendlyName: 'Carrier' });
    const targets = voice.connectionPolicies(policy.sid).targets;
    const backup = await targets.create({ target: 'sip:localhost:5070', priority: 20 });
    const primary = await targets.create({ target: 'sip:127.0.0.2:5062;transport=tcp', priority: 10 });
    const off = await targets.create({ target: 'sip:127.0.0.9', priority: 0, enabled: false });
    expect(await directory.trunkForSource('127.0.0.2')).toBeUndefined();
    const trunk = await voice.byocTrunks.create({
      friendlyName: 'Carrier',
      voiceUrl: 'http://127.0.0.1:9/trunk',
      connectionPolicySid: policy.sid,
    });
    expect(
      (await updateTrunk(harness, trunk.sid, { AuthUsername: 'patchbay', AuthPassword: 'carrier-secret' })).status,
    ).toBe(200);
    expect(await directory.trunkForSource('127.0.0.2')).toMatchObject({
      accountSid: account.sid,
      trunkSid: trunk.sid,
      voice: { voiceUrl: 'http://127.0.0.1:9/trunk', voiceMethod: 'POST' },
      connectionPolicySid: policy.sid,
    });
    // localhost was resolved when the target was written.
    expect((await directory.trunkForSource('127.0.0.1'))?.trunkSid).toBe(trunk.sid);
    expect(await directory.trunkForSource('127.0.0.9')).toBeUndefined();
    expect(await directory.trunkForSource('127.0.0.3')).toBeUndefined();
    const credentials = { username: 'patchbay', password: 'carrier-secret' };
    expect(await directory.trunkTargets(account.sid)).toEqual([
      { trunkSid: trunk.sid, targetSid: primary.sid, uri: primary.target, priority: 10, weight: 10, credentials },
      { trunkSid: trunk.sid, targetSid: backup.sid, uri: 'sip:localhost:5070', priority: 20, weight: 10, credentials },
    ]);
    expect((await directory.trunkTargets(account.sid)).map((t) => t.targetSid)).not.toContain(off.sid);
  });

  it("adds the server's own trunks after an account's, and knows them by their hosts' addresses", async () => {
    const secrets = new SecretBox();
    const store = await openStore();
    const harness = await startHarness({ store, api: { sip: { secrets } } });
    const directory = storeSipDirectory(store, secrets, {
      random: () => 0,
      serverTrunks: [
        { name: 'carrier', uri: 'sip:127.0.0.7:5062', credentials: { username: 'pb', password: 'Secret' } },
        { name: 'backup', uri: 'sip:localhost' },
      ],
    });
    const server = [
      {
        trunkSid: 'carrier',
        targetSid: 'carrier',
        uri: 'sip:127.0.0.7:5062',
        priority: 65_536,
        weight: 1,
        credentials: { username: 'pb', password: 'Secret' },
      },
      { trunkSid: 'backup', targetSid: 'backup', uri: 'sip:localhost', priority: 65_537, weight: 1 },
    ];
    expect(await directory.trunkTargets(harness.account.sid)).toEqual(server);
    const policy = await harness.client.voice.v1.connectionPolicies.create({ friendlyName: 'Own' });
    await harness.client.voice.v1.connectionPolicies(policy.sid).targets.create({ target: 'sip:127.0.0.8' });
    await harness.client.voice.v1.byocTrunks.create({ connectionPolicySid: policy.sid });
    expect((await directory.trunkTargets(harness.account.sid)).map((t) => t.uri)).toEqual([
      'sip:127.0.0.8',
      'sip:127.0.0.7:5062',
      'sip:localhost',
    ]);
    expect(await directory.serverTrunkForSource('127.0.0.7')).toBe('carrier');
    expect(await directory.serverTrunkForSource('::ffff:127.0.0.1')).toBe('backup');
    expect(await directory.serverTrunkForSource('127.0.0.8')).toBeUndefined();
  });
});
