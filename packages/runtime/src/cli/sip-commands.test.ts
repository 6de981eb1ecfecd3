/**
 * The SIP and trunk commands (`sip-domains`, `sip-creds`, `sip-acls`, `trunks`,
 * `policies`), each run as the real `patchbay` process against a real server: what
 * they set up is what the server's SIP side then admits and routes, and no password is printed.
 */
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { FAST } from '../api/harness.test-support.js';
import { cleanUpProcesses, dataDirectory, type Finished, runPatchbay } from './processes.test-support.js';
import { type RunningServer, startServer } from './serve.js';

const PASSWORD = 'IWasAtSignal2018';
const servers: RunningServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
  await cleanUpProcesses();
});

async function serve(): Promise<{ server: RunningServer; run: (...args: string[]) => Promise<Finished> }> {
  const server = await startServer({ port: 0, data: await dataDirectory('patchbay-cli-sip-'), timing: FAST });
  servers.push(server);
  const env = {
    PATCHBAY_URL: server.url,
    PATCHBAY_ACCOUNT_SID: server.account.sid,
    PATCHBAY_AUTH_TOKEN: server.account.authToken,
  };
  const printed: Finished[] = [];
  const run = async (...args: string[]) => {
    const extra = args[0]?.startsWith('PATCHBAY_') ? Object.fromEntries([(args.shift() as string).split('=')]) : {};
    const finished = await runPatchbay(args, { ...env, ...extra });
    printed.push(finished);
    return finished;
  };
  // Whatever a test ran, no password came back on the terminal.
  onTestFinished(() => {
    for (const { stdout, stderr } of printed)
      expect(`${stdout}${stderr}`).not.toMatch(/IWasAtSignal2018|NewPassword2026|carrier-secret-1A/);
  });
  return { server, run };
}

const sidOf = (finished: Finished, prefix: string) => {
  expect(finished.stderr).toBe('');
  expect(finished.code).toBe(0);
  const sid = new RegExp(`^${prefix}[0-9a-f]{32}`).exec(finished.stdout)?.[0];
  expect(sid).toBeDefined();
  return sid as string;
};

describe('patchbay SIP commands', () => {
  it('set up a softphone: a domain, a credential list with a user, mapped for calls and registrations', async () => {
    const { server, run } = await serve();
    const domain = sidOf(
      await run(
        'sip-domains',
        'create',
        '--domain-name',
        'acme.sip.patchbay.local',
        '--voice-url',
        'http://127.0.0.1:9/sip',
        '--sip-registration',
        'true',
      ),
      'SD',
    );
    expect((await server.sip.domainByName('acme.sip.patchbay.local'))?.voice.voiceUrl).toBe('http://127.0.0.1:9/sip');
    const list = sidOf(await run('sip-creds', 'create', '--friendly-name', 'Desk phones'), 'CL');
    // The list and the domain by their names, as a user types them.
    const added = await run(
      `PATCHBAY_SIP_PASSWORD=${PASSWORD}`,
      'sip-creds',
      'add',
      'Desk phones',
      '--username',
      'alice',
    );
    expect(added.stdout).toMatch(/^CR[0-9a-f]{32} {2}alice {2}\(password set\)\n$/);
    // Not mapped yet: the domain takes nobody.
    expect(await server.sip.verifyCallCredential(domain, 'alice')).toBeUndefined();

    const mapped = await run(
      'sip-domains',
      'map',
      'acme.sip.patchbay.local',
      '--credential-list',
      'Desk phones',
      '--for',
      'both',
    );
    expect(mapped.code).toBe(0);
    expect(mapped.stdout).toBe(
      `mapped ${list} to ${domain} for calls\nmapped ${list} to ${domain} for registrations\n`,
    );
    expect(await server.sip.verifyCallCredential(domain, 'alice')).toBe(PASSWORD);
    expect(await server.sip.verifyRegistrationCredential(domain, 'alice')).toBe(PASSWORD);
    const again = await run('sip-domains', 'map', domain, '--credential-list', list);
    expect([again.code, again.stdout]).toEqual([0, `${list} is mapped to ${domain} for calls already\n`]);

    const shown = await run('sip-domains', 'get', 'ACME.sip.patchbay.local');
    expect(shown.stdout).toMatch(/^auth_type: +CREDENTIAL_LIST$/m);
    expect(shown.stdout).toMatch(new RegExp(`^credential_lists_for_registrations: +${list} \\(Desk phones\\)$`, 'm'));
    expect(shown.stdout).toMatch(/^ip_acls_for_calls: +-$/m);
    expect((await run('sip-creds', 'get', list)).stdout).toMatch(/^CR[0-9a-f]{32} {2}alice /m);

    const changed = await run('sip-creds', 'password', list, 'alice', '--password', 'NewPassword2026');
    expect(changed.code).toBe(0);
    expect(await server.sip.verifyCallCredential(domain, 'alice')).toBe('NewPassword2026');
    expect((await run('sip-domains', 'unmap', domain, '--credential-list', list, '--for', 'registrations')).code).toBe(
      0,
    );
    expect(await server.sip.verifyRegistrationCredential(domain, 'alice')).toBeUndefined();
    expect(await server.sip.verifyCallCredential(domain, 'alice')).toBe('NewPassword2026');
    expect((await run('sip-creds', 'remove', list, 'alice')).stdout).toMatch(/^deleted CR/);
    expect(await server.sip.verifyCallCredential(domain, 'alice')).toBeUndefined();
    expect((await run('sip-domains', 'list')).stdout).toMatch(
      new RegExp(`^${domain} +acme\\.sip\\.patchbay\\.local `, 'm'),
    );
    expect((await run('sip-domains', 'delete', 'acme.sip.patchbay.local')).stdout).toBe(`deleted ${domain}\n`);
    expect(await server.sip.domainByName('acme.sip.patchbay.local')).toBeUndefined();
    expect((await run('sip-creds', 'delete', 'Desk phones')).stdout).toBe(`deleted ${list}\n`);
    expect((await run('sip-creds', 'list')).stdout).toBe('(none)\n');
  }, 30_000);

  it('let a PBX in by address, and take it out again by the same address', async () => {
    const { server, run } = await serve();
    const domain = sidOf(await run('sip-domains', 'create', '--domain-name', 'pbx.sip.patchbay.local'), 'SD');
    const acl = sidOf(await run('sip-acls', 'create', '--friendly-name', 'Office PBX'), 'AL');
    const added = await run('sip-acls', 'add', acl, '--ip', '127.0.0.2');
    expect(added.stdout).toMatch(/^IP[0-9a-f]{32} {2}127\.0\.0\.2\/32 {2}127\.0\.0\.2\n$/);
    expect((await run('sip-domains', 'map', domain, '--ip-acl', acl)).code).toBe(0);
    expect(await server.sip.ipAllowed(domain, '127.0.0.2')).toBe(true);
    expect(await server.sip.ipAllowed(domain, '127.0.0.3')).toBe(false);
    // A list that is mapped cannot go: the server's refusal, with its code.
    const refused = await run('sip-acls', 'delete', acl);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^patchbay: .*\(21231, HTTP 400\)/);
    expect((await run('sip-acls', 'remove', acl, '127.0.0.2')).code).toBe(0);
    expect(await server.sip.ipAllowed(domain, '127.0.0.2')).toBe(false);
  }, 30_000);

  it('connect a carrier: a connection policy with a target and a BYOC trunk with its app and password', async () => {
    const { server, run } = await serve();
    const policy = sidOf(await run('policies', 'create', '--friendly-name', 'carrier'), 'NY');
    const target = await run('policies', 'add', 'carrier', '--target', 'sip:127.0.0.1:5090', '--priority', '5');
    expect(target.stdout).toMatch(/^NE[0-9a-f]{32} {2}sip:127\.0\.0\.1:5090 {2}priority 5 {2}weight 10\n$/);
    const trunk = sidOf(
      await run(
        'PATCHBAY_TRUNK_PASSWORD=carrier-secret-1A',
        'trunks',
        'create',
        '--friendly-name',
        'carrier',
        '--voice-url',
        'http://127.0.0.1:9/voice',
        '--connection-policy',
        'carrier',
        '--auth-username',
        'patchbay',
      ),
      'BY',
    );
    const route = await server.sip.trunkForSource('127.0.0.1');
    expect(route).toMatchObject({ trunkSid: trunk, voice: { voiceUrl: 'http://127.0.0.1:9/voice' } });
    const [first] = await server.sip.trunkTargets(server.account.sid);
    expect(first).toMatchObject({
      trunkSid: trunk,
      uri: 'sip:127.0.0.1:5090',
      priority: 5,
      credentials: { username: 'patchbay', password: 'carrier-secret-1A' },
    });
    expect((await run('trunks', 'get', 'carrier')).stdout).toMatch(
      new RegExp(`^connection_policy_sid: +${policy}$`, 'm'),
    );
    expect((await run('policies', 'get', policy)).stdout).toMatch(/^NE[0-9a-f]{32} +sip:127\.0\.0\.1:5090 +5 /m);
    expect((await run('trunks', 'list')).stdout).toContain(trunk);

    // A domain whose calls go out through the trunk, and the trunk's From domain, each by name.
    const domain = sidOf(
      await run('sip-domains', 'create', '--domain-name', 'carrier.sip.patchbay.local', '--byoc-trunk', 'carrier'),
      'SD',
    );
    expect((await run('sip-domains', 'get', domain)).stdout).toMatch(new RegExp(`^byoc_trunk_sid: +${trunk}$`, 'm'));
    const from = await run('trunks', 'update', 'carrier', '--from-domain', 'carrier.sip.patchbay.local');
    expect(from.stdout).toMatch(new RegExp(`^from_domain_sid: +${domain}$`, 'm'));
    const inUse = await run('trunks', 'delete', 'carrier');
    expect([inUse.code, inUse.stderr]).toEqual([1, expect.stringMatching(/\(21231, HTTP 400\)/)]);
    const cleared = await run('sip-domains', 'update', domain, '--byoc-trunk', '');
    expect(cleared.stdout).toMatch(/^byoc_trunk_sid: +-$/m);
    const updated = await run('trunks', 'update', trunk, '--voice-url', 'http://127.0.0.1:9/other');
    expect(updated.stdout).toMatch(/^voice_url: +http:\/\/127\.0\.0\.1:9\/other$/m);
    expect((await run('policies', 'remove', policy, 'sip:127.0.0.1:5090')).code).toBe(0);
    expect(await server.sip.trunkForSource('127.0.0.1')).toBeUndefined();
    expect((await run('trunks', 'delete', trunk)).stdout).toBe(`deleted ${trunk}\n`);
    expect((await run('policies', 'delete', policy)).code).toBe(0);
  }, 30_000);

  it('mistakes are usage errors before anything is sent; the server refuses a weak password with its code', async () => {
    const { server, run } = await serve();
    const list = sidOf(await run('sip-creds', 'create', '--friendly-name', 'Phones'), 'CL');
    const noPassword = await run('sip-creds', 'add', list, '--username', 'alice');
    expect(noPassword.code).toBe(2);
    expect(noPassword.stderr).toContain('needs a password');
    expect(noPassword.stderr).toContain('PATCHBAY_SIP_PASSWORD');
    const weak = await run('sip-creds', 'add', list, '--username', 'alice', '--password', 'short');
    expect(weak.code).toBe(1);
    expect(weak.stderr).toMatch(/\(21240, HTTP 400\)/);
    const nothing = await run('sip-domains', 'map', `SD${'0'.repeat(32)}`);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain('name the list: --credential-list CL...|name or --ip-acl AL...|name');
    const ipForRegistrations = await run(
      'sip-domains',
      'map',
      `SD${'0'.repeat(32)}`,
      '--ip-acl',
      `AL${'0'.repeat(32)}`,
      '--for',
      'both',
    );
    expect(ipForRegistrations.code).toBe(2);
    const copied = await run('sip-domains', 'get', 'SD...');
    expect(copied.code).toBe(2);
    expect(copied.stderr).toContain('"SD..." is not a SIP domain SID (SD and 32 hex digits)');
    const unknown = await run('sip-domains', 'get', 'nowhere.sip.patchbay.local');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no SIP domain named "nowhere.sip.patchbay.local" in this account');
    expect(unknown.stderr).toContain('patchbay sip-domains list');
    const trunkPassword = await run('trunks', 'create', '--auth-username', 'patchbay');
    expect(trunkPassword.code).toBe(2);
    expect(trunkPassword.stderr).toContain('PATCHBAY_TRUNK_PASSWORD');
    expect((await run('trunks', 'list')).stdout).toBe('(none)\n');
    expect(await server.sip.verifyCallCredential(`SD${'0'.repeat(32)}`, 'alice')).toBeUndefined();
  }, 30_000);
});
