/**
 * The SIP resources (domains, their five mapping paths, credential lists and credentials, IP
 * access control lists and addresses) driven through the official helper, every answer checked
 * against the hosted API's OpenAPI description (openapi.test-support.ts).
 */
import { describe, expect, it } from 'vitest';
import { harnessPerTest } from './harness.test-support.js';
import { checkedClient, openApi } from './openapi.test-support.js';

const A = '/2010-04-01/Accounts/{AccountSid}/SIP';
const D = `${A}/Domains/{DomainSid}`;
const spec = openApi();
const startHarness = harnessPerTest();

const OPERATIONS = [
  `POST ${A}/Domains.json`,
  `GET ${A}/Domains.json`,
  `GET ${A}/Domains/{Sid}.json`,
  `POST ${A}/Domains/{Sid}.json`,
  `DELETE ${A}/Domains/{Sid}.json`,
  `POST ${D}/CredentialListMappings.json`,
  `GET ${D}/CredentialListMappings.json`,
  `GET ${D}/CredentialListMappings/{Sid}.json`,
  `DELETE ${D}/CredentialListMappings/{Sid}.json`,
  `POST ${D}/IpAccessControlListMappings.json`,
  `GET ${D}/IpAccessControlListMappings.json`,
  `GET ${D}/IpAccessControlListMappings/{Sid}.json`,
  `DELETE ${D}/IpAccessControlListMappings/{Sid}.json`,
  `POST ${D}/Auth/Calls/CredentialListMappings.json`,
  `GET ${D}/Auth/Calls/CredentialListMappings.json`,
  `GET ${D}/Auth/Calls/CredentialListMappings/{Sid}.json`,
  `DELETE ${D}/Auth/Calls/CredentialListMappings/{Sid}.json`,
  `POST ${D}/Auth/Calls/IpAccessControlListMappings.json`,
  `GET ${D}/Auth/Calls/IpAccessControlListMappings.json`,
  `GET ${D}/Auth/Calls/IpAccessControlListMappings/{Sid}.json`,
  `DELETE ${D}/Auth/Calls/IpAccessControlListMappings/{Sid}.json`,
  `POST ${D}/Auth/Registrations/CredentialListMappings.json`,
  `GET ${D}/Auth/Registrations/CredentialListMappings.json`,
  `GET ${D}/Auth/Registrations/CredentialListMappings/{Sid}.json`,
  `DELETE ${D}/Auth/Registrations/CredentialListMappings/{Sid}.json`,
  `POST ${A}/CredentialLists.json`,
  `GET ${A}/CredentialLists.json`,
  `GET ${A}/CredentialLists/{Sid}.json`,
  `POST ${A}/CredentialLists/{Sid}.json`,
  `DELETE ${A}/CredentialLists/{Sid}.json`,
  `POST ${A}/CredentialLists/{CredentialListSid}/Credentials.json`,
  `GET ${A}/CredentialLists/{CredentialListSid}/Credentials.json`,
  `GET ${A}/CredentialLists/{CredentialListSid}/Credentials/{Sid}.json`,
  `POST ${A}/CredentialLists/{CredentialListSid}/Credentials/{Sid}.json`,
  `DELETE ${A}/CredentialLists/{CredentialListSid}/Credentials/{Sid}.json`,
  `POST ${A}/IpAccessControlLists.json`,
  `GET ${A}/IpAccessControlLists.json`,
  `GET ${A}/IpAccessControlLists/{Sid}.json`,
  `POST ${A}/IpAccessControlLists/{Sid}.json`,
  `DELETE ${A}/IpAccessControlLists/{Sid}.json`,
  `POST ${A}/IpAccessControlLists/{IpAccessControlListSid}/IpAddresses.json`,
  `GET ${A}/IpAccessControlLists/{IpAccessControlListSid}/IpAddresses.json`,
  `GET ${A}/IpAccessControlLists/{IpAccessControlListSid}/IpAddresses/{Sid}.json`,
  `POST ${A}/IpAccessControlLists/{IpAccessControlListSid}/IpAddresses/{Sid}.json`,
  `DELETE ${A}/IpAccessControlLists/{IpAccessControlListSid}/IpAddresses/{Sid}.json`,
];

describe('SIP resources', () => {
  it('answer every operation as the OpenAPI description says, through the official helper', async () => {
    const harness = await startHarness();
    const { client, problems, exercised } = checkedClient(
      harness.base,
      harness.account.sid,
      harness.account.authToken,
      spec,
    );
    const sip = client.sip;
    const domain = await sip.domains.create({ domainName: 'acme.sip.patchbay.local', friendlyName: 'Acme' });
    await sip.domains.list();
    await sip.domains(domain.sid).fetch();
    await sip.domains(domain.sid).update({ voiceUrl: `${harness.app.url}/voice`, sipRegistration: true });

    const phones = await sip.credentialLists.create({ friendlyName: 'Phones' });
    await sip.credentialLists.list();
    await sip.credentialLists(phones.sid).fetch();
    await sip.credentialLists(phones.sid).update({ friendlyName: 'Desk phones' });
    const alice = await sip
      .credentialLists(phones.sid)
      .credentials.create({ username: 'alice', password: 'IWasAtSignal2018' });
    await sip.credentialLists(phones.sid).credentials.list();
    await sip.credentialLists(phones.sid).credentials(alice.sid).fetch();
    await sip.credentialLists(phones.sid).credentials(alice.sid).update({ password: 'AnotherSecret2026' });

    const carriers = await sip.ipAccessControlLists.create({ friendlyName: 'Carriers' });
    await sip.ipAccessControlLists.list();
    await sip.ipAccessControlLists(carriers.sid).fetch();
    await sip.ipAccessControlLists(carriers.sid).update({ friendlyName: 'Carrier edges' });
    const edge = await sip.ipAccessControlLists(carriers.sid).ipAddresses.create({
      friendlyName: 'Edge',
      ipAddress: '192.0.2.0',
      cidrPrefixLength: 24,
    });
    await sip.ipAccessControlLists(carriers.sid).ipAddresses.list();
    await sip.ipAccessControlLists(carriers.sid).ipAddresses(edge.sid).fetch();
    await sip.ipAccessControlLists(carriers.sid).ipAddresses(edge.sid).update({ cidrPrefixLength: 28 });

    const d = sip.domains(domain.sid);
    await d.credentialListMappings.create({ credentialListSid: phones.sid });
    await d.credentialListMappings.list();
    await d.credentialListMappings(phones.sid).fetch();
    await d.credentialListMappings(phones.sid).remove();
    await d.ipAccessControlListMappings.create({ ipAccessControlListSid: carriers.sid });
    await d.ipAccessControlListMappings.list();
    await d.ipAccessControlListMappings(carriers.sid).fetch();
    await d.ipAccessControlListMappings(carriers.sid).remove();
    const calls = d.auth.calls;
    const registrations = d.auth.registrations;
    await calls.credentialListMappings.create({ credentialListSid: phones.sid });
    await calls.credentialListMappings.list();
    await calls.credentialListMappings(phones.sid).fetch();
    await calls.ipAccessControlListMappings.create({ ipAccessControlListSid: carriers.sid });
    await calls.ipAccessControlListMappings.list();
    await calls.ipAccessControlListMappings(carriers.sid).fetch();
    await registrations.credentialListMappings.create({ credentialListSid: phones.sid });
    await registrations.credentialListMappings.list();
    await registrations.credentialListMappings(phones.sid).fetch();
    expect((await d.fetch()).authType).toBe('IP_ACL,CREDENTIAL_LIST');
    await calls.credentialListMappings(phones.sid).remove();
    await calls.ipAccessControlListMappings(carriers.sid).remove();
    await registrations.credentialListMappings(phones.sid).remove();

    await sip.ipAccessControlLists(carriers.sid).ipAddresses(edge.sid).remove();
    await sip.ipAccessControlLists(carriers.sid).remove();
    await sip.credentialLists(phones.sid).credentials(alice.sid).remove();
    await sip.credentialLists(phones.sid).remove();
    await d.remove();

    expect(problems).toEqual([]);
    expect(OPERATIONS.filter((operation) => !exercised.has(operation))).toEqual([]);
  }, 20_000);
});
