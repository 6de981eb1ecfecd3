/**
 * Trunks to carriers through the official helper's `client.voice.v1`: BYOC trunks, connection
 * policies and their targets, at the hosted v1 API's paths and in its shapes (snake_case, `meta`
 * paging, absolute `url`s, `links`), with Patchbay's write-only carrier credentials.
 */
import { describe, expect, it } from 'vitest';
import type { ByocTrunkRecord } from '../sip/records.js';
import { harnessPerTest, rejected } from './harness.test-support.js';
import { updateTrunk, v1Request } from './voice-v1.test-support.js';

const startHarness = harnessPerTest();

describe('voice v1: BYOC trunks and connection policies', () => {
  it('create, list, fetch, update and delete trunks, policies and targets', async () => {
    const harness = await startHarness();
    const { client, base, store, account, clientFor } = harness;
    const voice = client.voice.v1;
    const policy = await voice.connectionPolicies.create({ friendlyName: 'Carrier A' });
    expect(policy.sid).toMatch(/^NY[0-9a-f]{32}$/);
    expect(policy.url).toBe(`${base}/v1/ConnectionPolicies/${policy.sid}`);
    expect(policy.links).toEqual({ targets: `${base}/v1/ConnectionPolicies/${policy.sid}/Targets` });
    const primary = await voice.connectionPolicies(policy.sid).targets.create({
      target: 'sip:127.0.0.2:5062',
      friendlyName: 'primary',
      priority: 1,
    });
    expect(primary).toMatchObject({ target: 'sip:127.0.0.2:5062', priority: 1, weight: 10, enabled: true });
    expect(primary.dateCreated).toBeInstanceOf(Date);
    await voice.connectionPolicies(policy.sid).targets.create({ target: 'sip:localhost:5064', priority: 2 });
    const listed = await voice.connectionPolicies(policy.sid).targets.list({ pageSize: 1 });
    expect(listed.map((t) => t.priority).sort()).toEqual([1, 2]);
    const page = await v1Request(harness, 'GET', `ConnectionPolicies/${policy.sid}/Targets?PageSize=1`);
    const targetsUrl = `${base}/v1/ConnectionPolicies/${policy.sid}/Targets`;
    expect(page.json.meta).toEqual({
      page: 0,
      page_size: 1,
      first_page_url: `${targetsUrl}?PageSize=1&Page=0`,
      previous_page_url: null,
      url: `${targetsUrl}?PageSize=1&Page=0`,
      next_page_url: `${targetsUrl}?PageSize=1&Page=1`,
      key: 'targets',
    });
    expect(page.json.targets).toEqual([
      expect.objectContaining({
        connection_policy_sid: policy.sid,
        date_created: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      }),
    ]);
    const disabled = await voice.connectionPolicies(policy.sid).targets(primary.sid).update({ enabled: false });
    expect(disabled.enabled).toBe(false);
    for (const target of ['http://127.0.0.2', 'sip:', 'sip:host:99999'])
      expect((await rejected(voice.connectionPolicies(policy.sid).targets.create({ target }))).code).toBe(21200);

    const trunk = await voice.byocTrunks.create({
      friendlyName: 'Carrier A',
      voiceUrl: 'http://127.0.0.1:9/voice',
      connectionPolicySid: policy.sid,
    });
    expect(trunk).toMatchObject({
      friendlyName: 'Carrier A',
      voiceUrl: 'http://127.0.0.1:9/voice',
      voiceMethod: 'POST',
      voiceFallbackUrl: null,
      statusCallbackUrl: null,
      cnamLookupEnabled: false,
      connectionPolicySid: policy.sid,
      fromDomainSid: null,
      url: `${base}/v1/ByocTrunks/${trunk.sid}`,
    });
    // The carrier's credentials (Patchbay's fields, which the helper does not send) are write-only and sealed.
    const withCredentials = await updateTrunk(harness, trunk.sid, {
      AuthUsername: 'patchbay',
      AuthPassword: 'carrier-secret',
    });
    expect(withCredentials.status).toBe(200);
    expect(JSON.stringify(withCredentials.json)).not.toContain('carrier-secret');
    const stored = await store.get<ByocTrunkRecord>('byoc-trunk', account.sid, trunk.sid);
    expect(stored?.authUsername).toBe('patchbay');
    expect(stored?.sealedAuthPassword).toMatch(/^v1\./);
    expect(JSON.stringify(stored)).not.toContain('carrier-secret');
    expect((await updateTrunk(harness, trunk.sid, { AuthUsername: 'patchbay' })).json).toMatchObject({ code: 21200 });
    expect((await voice.byocTrunks.list()).map((t) => t.sid)).toEqual([trunk.sid]);
    expect(
      (await voice.byocTrunks(trunk.sid).update({ statusCallbackUrl: 'http://127.0.0.1:9/status' })).statusCallbackUrl,
    ).toBe('http://127.0.0.1:9/status');
    expect((await rejected(voice.byocTrunks.create({ connectionPolicySid: `NY${'0'.repeat(32)}` }))).code).toBe(21231);
    expect((await rejected(voice.byocTrunks.create({ cnamLookupEnabled: true }))).code).toBe(21231);

    // Another account sees none of it.
    const sub = await client.api.v2010.accounts.create({ friendlyName: 'Tenant' });
    const tenant = clientFor(sub.sid, sub.authToken).voice.v1;
    expect(await tenant.byocTrunks.list()).toEqual([]);
    expect((await rejected(tenant.connectionPolicies(policy.sid).fetch())).status).toBe(404);

    // A policy in use is kept; once free, deleting it deletes its targets.
    expect((await rejected(voice.connectionPolicies(policy.sid).remove())).code).toBe(21231);
    expect(await voice.byocTrunks(trunk.sid).remove()).toBe(true);
    expect(await voice.connectionPolicies(policy.sid).remove()).toBe(true);
    expect(await store.get('connection-policy-target', account.sid, primary.sid)).toBeUndefined();
    expect((await rejected(voice.byocTrunks(trunk.sid).fetch())).status).toBe(404);
  });
});
