/**
 * The server's SIP side without media: domains and credentials made through the REST API of a
 * running server are what its SIP directory answers, across a restart (the secrets key lives in
 * the data directory), under the operator's domain suffix; real SIP media is refused for now.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FAST, officialClient } from '../api/harness.test-support.js';
import { dataDirectory } from './processes.test-support.js';
import { type RunningServer, startServer } from './serve.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('the server with SIP', () => {
  it('answers SIP questions from what its REST API stored, after a restart too, under its domain suffix', async () => {
    const data = await dataDirectory('patchbay-serve-sip-');
    const options = { port: 0, data, timing: FAST, sipDomainSuffix: 'Voice.Example.org' };
    let server: RunningServer = await startServer(options);
    const close = () => server.close();
    cleanups.push(close);
    const client = officialClient(server.url, server.account.sid, server.account.authToken);
    const domain = await client.sip.domains.create({ domainName: 'acme.voice.example.org' });
    const list = await client.sip.credentialLists.create({ friendlyName: 'Phones' });
    await client.sip.credentialLists(list.sid).credentials.create({ username: 'alice', password: 'IWasAtSignal2018' });
    await client.sip.domains(domain.sid).auth.calls.credentialListMappings.create({ credentialListSid: list.sid });
    expect(await server.sip.verifyCallCredential(domain.sid, 'alice')).toBe('IWasAtSignal2018');
    await server.close();
    // The database alone does not hold the password in plain text.
    const database = await readFile(join(data, 'patchbay.db'));
    expect(database.includes('alice')).toBe(true);
    expect(database.includes('IWasAtSignal2018')).toBe(false);
    server = await startServer({ ...options, port: Number(new URL(server.url).port) });
    expect((await server.sip.domainByName('ACME.voice.example.org'))?.domainSid).toBe(domain.sid);
    expect(await server.sip.verifyCallCredential(domain.sid, 'alice')).toBe('IWasAtSignal2018');
  });
});
