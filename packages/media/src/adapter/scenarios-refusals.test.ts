/**
 * `<Dial>` to a SIP phone that does not take the call: the caller gives up while it rings
 * (CANCEL), the phone refuses (486 Busy Here), or nobody picks up before the Dial's timeout.
 * Each is seen where a user sees it: the dialed phone's ringing stops, the child call's status,
 * and what the app's Dial action is told.
 */
import type { AppServer } from '@patchbay/runtime/testing';
import { describe, expect, it } from 'vitest';
import type { Phone } from '../testing/baresip.js';
import { appLine, eventually, phone, type Rest, useCleanup } from './scenarios.test-support.js';

const cleanup = useCleanup();

interface Setup {
  readonly app: AppServer;
  readonly rest: Rest;
  readonly caller: Phone;
  readonly callee: Phone;
}

/** A number whose app dials the callee phone (with `dial` attributes); a caller phone let in by address. */
async function setup(dial: string): Promise<Setup> {
  let callee = 'sip:nobody@127.0.0.1';
  const { app, rest, lineUri } = await appLine(
    cleanup,
    {
      '/voice': () => `<Response><Dial action="/after" ${dial}><Sip>${callee}</Sip></Dial></Response>`,
      '/after': () => '<Response><Hangup/></Response>',
    },
    { rtpPorts: { min: 44200, max: 44398 }, callers: ['127.0.0.41'] },
  );
  const caller = await phone(cleanup, { address: '127.0.0.41', tone: 600 });
  const calleePhone = await phone(cleanup, { address: '127.0.0.42', tone: 900 });
  callee = calleePhone.uri;
  await caller.dial(lineUri);
  await calleePhone.waitFor('incoming', 10_000);
  return { app, rest, caller, callee: calleePhone };
}

async function childCall(rest: Rest): Promise<Record<string, unknown>> {
  const { calls } = (await rest.get('Calls.json')) as { calls: Array<Record<string, unknown>> };
  const child = calls.find((call) => call.direction === 'outbound-dial');
  if (!child) throw new Error(`no child call among ${JSON.stringify(calls)}`);
  return child;
}

describe('<Dial> to a SIP phone that does not take the call', () => {
  it('the caller hangs up while it rings: the phone stops ringing (CANCEL), the child call is canceled', async () => {
    const { app, rest, caller, callee } = await setup('timeout="30"');
    await caller.hangup();
    // The ringing phone's incoming call closes: the server sent CANCEL, it never answered.
    await callee.waitFor('closed', 10_000);
    const child = await eventually('the child call ended', async () => {
      const found = await childCall(rest);
      return found.status === 'ringing' || found.status === 'queued' ? undefined : found;
    });
    expect(child.status).toBe('canceled');
    // The action is still told (its answer is not run: the caller is gone), as the hosted service does.
    const after = await eventually('the Dial action', () => app.requestsTo('/after')[0]?.params);
    expect(after).toMatchObject({ DialCallStatus: 'canceled', CallStatus: 'completed' });
  });

  it('the phone refuses (486): DialCallStatus busy with DialSipResponseCode 486', async () => {
    const { app, rest, caller, callee } = await setup('timeout="30"');
    await callee.hangup(); // baresip 1.0 refuses an incoming call with 486 Busy Here
    const after = await eventually('the Dial action', () => app.requestsTo('/after')[0]?.params);
    expect(after).toMatchObject({ DialCallStatus: 'busy', DialSipResponseCode: '486' });
    await caller.waitFor('closed', 10_000);
    expect((await childCall(rest)).status).toBe('busy');
  });

  it('nobody answers before the timeout: DialCallStatus no-answer, and the phone stops ringing', async () => {
    const { app, rest, caller, callee } = await setup('timeout="2"');
    const after = await eventually('the Dial action', () => app.requestsTo('/after')[0]?.params);
    expect(after).toMatchObject({ DialCallStatus: 'no-answer' });
    await callee.waitFor('closed', 5000);
    await caller.waitFor('closed', 10_000);
    expect((await childCall(rest)).status).toBe('no-answer');
  });
});
