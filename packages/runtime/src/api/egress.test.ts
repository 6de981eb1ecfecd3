/**
 * Egress through the REST API and the runtime: URLs that could never be fetched (other schemes,
 * link-local and cloud metadata hosts) are refused at input with the hosted codes; what a
 * document leads to is checked when fetched, with the server's policy.
 */
import { describe, expect, it } from 'vitest';
import type { CallError, CallRecord } from '../calls/call.js';
import { createEgress } from '../webhooks/egress.js';
import { type ApiHarness, harnessPerTest, rejected } from './harness.test-support.js';

const setup = harnessPerTest();

/** Collects the errors and warnings calls report from now on; `of(sid)` once the call has ended. */
function watch(harness: ApiHarness) {
  const errors: Array<CallError & { sid: string }> = [];
  const warnings: Array<{ sid: string; code: number }> = [];
  harness.runtime.events.on('call.error', (call: CallRecord, error: CallError) =>
    errors.push({ ...error, sid: call.sid }),
  );
  harness.runtime.events.on('call.warning', (call: CallRecord, warning) =>
    warnings.push({ sid: call.sid, code: warning.code }),
  );
  return {
    async of(sid: string) {
      await harness.runtime.calls.ended(sid);
      return {
        errors: errors.filter((error) => error.sid === sid),
        warnings: warnings.filter((warning) => warning.sid === sid).map((warning) => warning.code),
      };
    },
  };
}

describe('URLs at input', () => {
  it('accepts only http and https, and never a link-local or metadata host (400 with the hosted codes)', async () => {
    const { client } = await setup();
    const call = (params: Record<string, string>) =>
      rejected(client.calls.create({ to: '+15550107000', from: '+15550107001', ...params } as never));
    for (const url of ['file:///etc/passwd', 'gopher://127.0.0.1:70/_x', 'http://169.254.169.254/latest/meta-data/'])
      expect(await call({ url })).toMatchObject({ status: 400, code: 21205 });
    expect(
      await call({ twiml: '<Response/>', statusCallback: 'http://metadata.google.internal/computeMetadata/v1/' }),
    ).toMatchObject({ status: 400, code: 21609 });
    expect(
      await rejected(
        client.incomingPhoneNumbers.create({ phoneNumber: '+15550107002', voiceUrl: 'http://[fe80::1]/' }),
      ),
    ).toMatchObject({ status: 400, code: 21502 });
    expect(await rejected(client.applications.create({ smsUrl: 'file:///etc/shadow' }))).toMatchObject({
      status: 400,
      code: 21502,
    });
    const message = (params: Record<string, unknown>) =>
      rejected(client.messages.create({ to: '+15550107003', from: '+15550107004', body: 'hi', ...params }));
    expect(await message({ statusCallback: 'gopher://127.0.0.1:6379/_FLUSHALL' })).toMatchObject({
      status: 400,
      code: 21609,
    });
    expect(await message({ mediaUrl: ['file:///etc/passwd'] })).toMatchObject({ status: 400, code: 21620 });
    // Loopback stays allowed at input: apps under development run there.
    expect((await client.applications.create({ voiceUrl: 'http://localhost:3001/voice' })).voiceUrl).toBe(
      'http://localhost:3001/voice',
    );
  });
});

describe('URLs a call leads to', () => {
  it('refuses a redirect or a play into the metadata service, with 11100 on the call', async () => {
    const harness = await setup({
      routes: {
        '/voice': () =>
          '<Response><Play>file:///etc/passwd</Play><Redirect>http://169.254.169.254/latest/</Redirect></Response>',
      },
    });
    const watcher = watch(harness);
    const call = await harness.client.calls.create({
      to: '+15550107005',
      from: '+15550107006',
      url: `${harness.app.url}/voice`,
    });
    const { errors, warnings } = await watcher.of(call.sid);
    expect(warnings).toContain(11100);
    expect(errors).toEqual([
      expect.objectContaining({
        code: 11100,
        url: 'http://169.254.169.254/latest/',
        message: expect.stringMatching(/metadata/),
      }),
    ]);
  });

  it('under deny-private, refuses apps on loopback addresses (after resolving their names)', async () => {
    const harness = await setup({
      egress: createEgress({ policy: 'deny-private' }),
      routes: { '/voice': () => '<Response><Say>secret</Say></Response>' },
    });
    const port = new URL(harness.app.url).port;
    const watcher = watch(harness);
    const call = await harness.client.calls.create({
      to: '+15550107007',
      from: '+15550107008',
      url: `http://localhost:${port}/voice`,
    });
    const { errors } = await watcher.of(call.sid);
    expect(errors[0]).toMatchObject({ code: 11100, message: expect.stringMatching(/private/) });
    expect(harness.app.requestsTo('/voice')).toEqual([]);
  });
});
