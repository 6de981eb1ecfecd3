/**
 * The SIP resources' behaviour through the official helper: what they refuse (with the hosted
 * codes), what is unique on the server, what deleting cascades or refuses, that passwords are
 * never returned nor stored in plain text, and that one account never sees another's.
 */
import { describe, expect, it } from 'vitest';
import { SIP_CAPS, type SipCredentialRecord, type SipIpAddressRecord } from '../sip/records.js';
import { harnessPerTest, rejected } from './harness.test-support.js';

const startHarness = harnessPerTest();

describe('SIP domains', () => {
  it('take names under the server suffix, unique on the server, and refuse what Patchbay does not offer', async () => {
    const { client, clientFor } = await startHarness();
    const domain = await client.sip.domains.create({ domainName: 'Acme.sip.patchbay.local' });
    expect(domain).toMatchObject({
      domainName: 'acme.sip.patchbay.local',
      voiceUrl: null,
      voiceMethod: 'POST',
      authType: null,
      sipRegistration: false,
      emergencyCallerSid: null,
    });
    for (const [domainName, text] of [
      ['acme.sip.twilio.com', 'must end in .sip.patchbay.local'],
      ['sip.patchbay.local', 'must end in .sip.patchbay.local'],
      ['bad_name.sip.patchbay.local', 'is not a DNS label'],
      ['-x.sip.patchbay.local', 'is not a DNS label'],
      ['acme.sip.patchbay.local', 'is in use on this server'],
    ]) {
      const error = await rejected(client.sip.domains.create({ domainName: domainName as string }));
      expect(error, domainName).toMatchObject({ status: 400, code: 21232 });
      expect(error.message).toContain(text);
    }
    // Another account cannot take it either, nor see it.
    const sub = await client.api.v2010.accounts.create({ friendlyName: 'Tenant' });
    const tenant = clientFor(sub.sid, sub.authToken);
    expect((await rejected(tenant.sip.domains.create({ domainName: 'acme.sip.patchbay.local' }))).code).toBe(21232);
    expect(await tenant.sip.domains.list()).toEqual([]);
    expect((await rejected(tenant.sip.domains(domain.sid).fetch())).status).toBe(404);

    expect((await rejected(client.sip.domains(domain.sid).update({ secure: true }))).code).toBe(21231);
    expect((await rejected(client.sip.domains(domain.sid).update({ emergencyCallingEnabled: true }))).code).toBe(21231);
    expect((await rejected(client.sip.domains(domain.sid).update({ voiceUrl: 'ftp://x' }))).code).toBe(21502);
    const renamed = await client.sip.domains(domain.sid).update({ domainName: 'acme-2.sip.patchbay.local' });
    expect(renamed.domainName).toBe('acme-2.sip.patchbay.local');
    // The old name is free again.
    expect((await tenant.sip.domains.create({ domainName: 'acme.sip.patchbay.local' })).accountSid).toBe(sub.sid);
  });

  it('use the operator suffix when one is set', async () => {
    const { client } = await startHarness({ api: { sip: { domainSuffix: 'voice.example.org' } } });
    expect((await client.sip.domains.create({ domainName: 'a.voice.example.org' })).domainName).toBe(
      'a.voice.example.org',
    );
    expect((await rejected(client.sip.domains.create({ domainName: 'b.sip.patchbay.local' }))).message).toContain(
      '.voice.example.org',
    );
  });

  it('show one set of call mappings under the older and the Auth/Calls paths; deleting the domain deletes its mappings', async () => {
    const { client, store, account } = await startHarness();
    const domain = client.sip.domains((await client.sip.domains.create({ domainName: 'a.sip.patchbay.local' })).sid);
    const list = await client.sip.credentialLists.create({ friendlyName: 'Phones' });
    await domain.credentialListMappings.create({ credentialListSid: list.sid });
    expect((await domain.auth.calls.credentialListMappings.list()).map((m) => m.sid)).toEqual([list.sid]);
    expect(await domain.auth.registrations.credentialListMappings.list()).toEqual([]);
    const twice = await rejected(domain.auth.calls.credentialListMappings.create({ credentialListSid: list.sid }));
    expect(twice).toMatchObject({ status: 400, code: 21231 });
    const refused = await rejected(client.sip.credentialLists(list.sid).remove());
    expect(refused).toMatchObject({ status: 400, code: 21240 });
    expect(refused.message).toContain('unmap it first');
    await domain.remove();
    expect((await store.list('sip-mapping', { accountSid: account.sid, page: 0, pageSize: 10 })).items).toEqual([]);
    expect(await client.sip.credentialLists(list.sid).remove()).toBe(true);
  });
});

describe('SIP credentials', () => {
  it('follow the hosted password and username rules (21240), and never return or store the password in plain text', async () => {
    const { client, store, account } = await startHarness();
    const list = client.sip.credentialLists((await client.sip.credentialLists.create({ friendlyName: 'Phones' })).sid);
    expect((await rejected(client.sip.credentialLists.create({ friendlyName: 'Phones' }))).code).toBe(21240);
    for (const password of ['Short1a', 'alllowercase123', 'ALLUPPERCASE123', 'NoDigitsAtAllHere']) {
      const error = await rejected(list.credentials.create({ username: 'alice', password }));
      expect(error, password).toMatchObject({ status: 400, code: 21240 });
      expect(error.message).toContain('Password');
    }
    for (const username of ['', 'a'.repeat(33), 'has space', 'at@sign'])
      expect((await rejected(list.credentials.create({ username, password: 'IWasAtSignal2018' }))).code).toBe(21240);
    const alice = await list.credentials.create({ username: 'alice', password: 'IWasAtSignal2018' });
    expect(JSON.stringify(alice.toJSON())).not.toContain('IWasAtSignal2018');
    expect(Object.keys(alice.toJSON())).not.toContain('password');
    expect((await rejected(list.credentials.create({ username: 'alice', password: 'IWasAtSignal2019' }))).code).toBe(
      21240,
    );
    const stored = await store.get<SipCredentialRecord>('sip-credential', account.sid, alice.sid);
    expect(JSON.stringify(stored)).not.toContain('IWasAtSignal2018');
    expect(stored?.sealedPassword).toMatch(/^v1\./);
    await list.credentials(alice.sid).update({ password: 'AnotherSecret2026' });
    expect((await store.get<SipCredentialRecord>('sip-credential', account.sid, alice.sid))?.sealedPassword).not.toBe(
      stored?.sealedPassword,
    );
    // Deleting the list deletes its credentials.
    await list.remove();
    expect(await store.get('sip-credential', account.sid, alice.sid)).toBeUndefined();
  });
});

describe('SIP IP access control lists', () => {
  it('take IPv4 addresses with a prefix from 8 to 32, IPv6 ones from 32 to 128 (the whole address by default), at most 100 a list', async () => {
    const { client, store, account } = await startHarness();
    const acl = client.sip.ipAccessControlLists(
      (await client.sip.ipAccessControlLists.create({ friendlyName: 'Carriers' })).sid,
    );
    const one = await acl.ipAddresses.create({ friendlyName: 'Edge', ipAddress: '192.0.2.10' });
    expect(one).toMatchObject({ ipAddress: '192.0.2.10', cidrPrefixLength: 32 });
    // IPv6 too: a whole address by default, a block from /32 to /128.
    const v6 = await acl.ipAddresses.create({ friendlyName: 'Edge6', ipAddress: '2001:db8::10' });
    expect(v6).toMatchObject({ ipAddress: '2001:db8::10', cidrPrefixLength: 128 });
    const block = await acl.ipAddresses.create({
      friendlyName: 'Net6',
      ipAddress: '2001:db8:1::',
      cidrPrefixLength: 48,
    });
    expect(block).toMatchObject({ cidrPrefixLength: 48 });
    // Moving an entry to the other family does not carry its prefix over.
    expect(await acl.ipAddresses(block.sid).update({ ipAddress: '192.0.2.20' })).toMatchObject({
      cidrPrefixLength: 32,
    });
    expect((await rejected(acl.ipAddresses(v6.sid).update({ cidrPrefixLength: 16 }))).code).toBe(21200);
    await acl.ipAddresses(v6.sid).remove();
    await acl.ipAddresses(block.sid).remove();
    for (const [ipAddress, cidrPrefixLength, parameter] of [
      ['192.0.2', undefined, 'IpAddress'],
      ['2001:db8::1/64', undefined, 'IpAddress'],
      ['fe80::1%eth0', undefined, 'IpAddress'],
      ['192.0.2.300', undefined, 'IpAddress'],
      ['192.0.2.0', 0, 'CidrPrefixLength'],
      ['192.0.2.0', 33, 'CidrPrefixLength'],
      ['2001:db8::', 16, 'CidrPrefixLength'],
      ['2001:db8::', 129, 'CidrPrefixLength'],
    ] as const) {
      const error = await rejected(
        acl.ipAddresses.create({
          friendlyName: 'x',
          ipAddress,
          ...(cidrPrefixLength === undefined ? {} : { cidrPrefixLength }),
        }),
      );
      expect(error, ipAddress).toMatchObject({ status: 400, code: 21200 });
      expect(error.message).toContain(parameter);
    }
    for (let n = 1; n < SIP_CAPS.ipAddressesPerList; n++) {
      await store.put<SipIpAddressRecord>('sip-ip-address', {
        ...one.toJSON(),
        sid: `IP${n.toString(16).padStart(32, '0')}`,
        accountSid: account.sid,
        ipAccessControlListSid: one.ipAccessControlListSid,
        ipAddress: '192.0.2.1',
        cidrPrefixLength: 32,
        friendlyName: '',
        createdAt: n,
        updatedAt: n,
      });
    }
    expect((await rejected(acl.ipAddresses.create({ friendlyName: 'x', ipAddress: '192.0.2.2' }))).code).toBe(59200);
  });
});
