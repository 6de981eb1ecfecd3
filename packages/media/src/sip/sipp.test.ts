import { afterEach, describe, expect, it } from 'vitest';
import { SipAgent, type SipAgentOptions } from './agent.js';
import type { Dialog } from './dialog.js';
import { fixture, runSipp, type SippRun } from './sipp.test-support.js';

// Short timers so the no-ACK and Timer B paths take seconds, not half a minute.
const timerConfig = { t1Ms: 50, t2Ms: 400, t4Ms: 500 };
const SDP = 'v=0\r\no=- 1 1 IN IP4 127.0.31.1\r\ns=-\r\nc=IN IP4 127.0.31.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\n';

let agent: SipAgent | undefined;
const runs: SippRun[] = [];

async function startAgent(options: Partial<SipAgentOptions> = {}): Promise<{ agent: SipAgent; target: string }> {
  agent = await SipAgent.start({
    listen: [{ transport: 'udp', host: '127.0.31.1', port: 0 }],
    timerConfig,
    ...options,
  });
  return { agent, target: `127.0.31.1:${agent.addresses[0]?.port}` };
}

function sipp(args: string[]): SippRun {
  const run = runSipp([...args, '-timeout', '15s', '-timeout_error']);
  runs.push(run);
  return run;
}

afterEach(async () => {
  for (const run of runs.splice(0)) run.stop();
  await agent?.close();
  agent = undefined;
});

describe('sipp calls the agent', () => {
  it('INVITE/100/180/200/ACK/BYE: the call is answered and the remote BYE closes the dialog', async () => {
    const { agent, target } = await startAgent();
    const closed = new Promise<string>((resolve) =>
      agent.on('invite', async (call) => {
        expect(call.offer).toContain('m=audio');
        call.ring();
        const dialog = await call.answer(SDP);
        dialog.events.on('closed', resolve);
      }),
    );
    const run = sipp([target, '-sn', 'uac', '-i', '127.0.31.2', '-p', '0', '-m', '1', '-d', '100']);
    expect(await run.exited, run.output()).toBe(0);
    expect(await closed).toBe('remote-bye');
    expect(run.messages()).toContain('SIP/2.0 180 Ringing');
  });

  it('with digest: challenged 407, the retry is verified and the call carries the digest user', async () => {
    const users: Array<string | undefined> = [];
    const { agent, target } = await startAgent({
      authorize: () => ({
        challenge: {
          realm: 'patchbay.test',
          password: (u) => (u === 'alice' ? 'secret' : undefined),
          algorithms: ['MD5'],
        },
      }),
    });
    agent.on('invite', async (call) => {
      users.push(call.user);
      await call.answer(SDP);
    });
    const run = sipp([target, '-sf', fixture('uac-digest.xml'), '-i', '127.0.31.2', '-p', '0', '-m', '1']);
    expect(await run.exited, run.output()).toBe(0);
    expect(users).toEqual(['alice']);
    expect(run.messages()).toContain('SIP/2.0 407');
  });

  it('a wrong password is refused again with 407 and never reaches the application', async () => {
    let invites = 0;
    const { agent, target } = await startAgent({
      authorize: () => ({ challenge: { realm: 'patchbay.test', password: () => 'other', algorithms: ['MD5'] } }),
    });
    agent.on('invite', () => invites++);
    const run = sipp([target, '-sf', fixture('uac-digest-wrong.xml'), '-i', '127.0.31.2', '-p', '0', '-m', '1']);
    expect(await run.exited, run.output()).toBe(0);
    expect(invites).toBe(0);
    expect(run.messages().match(/SIP\/2\.0 407/g)?.length).toBeGreaterThanOrEqual(2);
  });

  it('withholding the ACK: the agent retransmits its 200, gives up after 64*T1 and hangs up', async () => {
    const { agent, target } = await startAgent();
    const outcome = new Promise<{ error: unknown; reason?: string }>((resolve) =>
      agent.on('invite', (call) => {
        call.answer(SDP).then(
          () => resolve({ error: undefined }),
          (error) => resolve({ error }),
        );
      }),
    );
    const started = Date.now();
    const run = sipp([target, '-sf', fixture('uac-no-ack.xml'), '-i', '127.0.31.2', '-p', '0', '-m', '1']);
    const { error } = await outcome;
    expect(error).toMatchObject({ code: 'sip-timeout' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(64 * timerConfig.t1Ms - 100);
    expect(await run.exited, run.output()).toBe(0);
    // 50, 150, 350, 750, 1150 ... 3150 ms: the first 200 and at least 9 retransmissions.
    expect(run.messages().match(/SIP\/2\.0 200 OK/g)?.length).toBeGreaterThanOrEqual(10);
    expect(agent.openDialogs).toBe(0);
  });
});

describe('the agent calls sipp', () => {
  const uas = '127.0.31.3';
  const uasPort = 15070;
  const target = `sip:service@${uas}:${uasPort}`;

  it('answered by sipp -sn uas (180, 200), ACKed, then hung up from our side', async () => {
    const { agent } = await startAgent();
    const run = sipp(['-sn', 'uas', '-i', uas, '-p', String(uasPort), '-m', '1']);
    const provisional: number[] = [];
    const result = await agent.invite(target, { from: '+15550001111', sdp: SDP }, new AbortController().signal, (s) =>
      provisional.push(s),
    );
    expect(result.outcome).toBe('answered');
    expect(provisional).toEqual([180]);
    const dialog = (result as { dialog: Dialog }).dialog;
    await dialog.bye();
    expect(dialog.closed).toBe(true);
    expect(await run.exited, run.output()).toBe(0);
    expect(run.messages()).toMatch(/From: <sip:\+15550001111@127\.0\.31\.1>;tag=/);
  });

  it('486 busy: failed with the status, and the failure is ACKed', async () => {
    const { agent } = await startAgent();
    const run = sipp(['-sf', fixture('uas-busy.xml'), '-i', uas, '-p', String(uasPort), '-m', '1']);
    const result = await agent.invite(target, { from: 'sip:bot@127.0.31.1', sdp: SDP }, new AbortController().signal);
    expect(result).toEqual({ outcome: 'failed', status: 486, reason: 'Busy Here' });
    expect(await run.exited, run.output()).toBe(0);
  });

  it('CANCEL while ringing: resolves canceled, CANCEL sent after the 180, 487 ACKed', async () => {
    const { agent } = await startAgent();
    const run = sipp(['-sf', fixture('uas-ring-cancel.xml'), '-i', uas, '-p', String(uasPort), '-m', '1']);
    const controller = new AbortController();
    const result = await agent.invite(target, { from: 'sip:bot@127.0.31.1', sdp: SDP }, controller.signal, (status) => {
      if (status === 180) controller.abort();
    });
    expect(result).toEqual({ outcome: 'canceled' });
    expect(await run.exited, run.output()).toBe(0);
    expect(run.messages()).toContain('CANCEL sip:service@');
  });

  it('forked answers: keeps the first 200, ACKs both and hangs up the second', async () => {
    const { agent } = await startAgent();
    const run = sipp(['-sf', fixture('uas-fork.xml'), '-i', uas, '-p', String(uasPort), '-m', '1']);
    const result = await agent.invite(target, { from: 'bot', sdp: SDP }, new AbortController().signal);
    if (result.outcome !== 'answered') throw new Error(result.outcome);
    expect(result.dialog.remote.params.tag).toBe('forkone');
    expect(result.dialog.remoteTarget.user).toBe('one');
    // The second fork is hung up when its 200 arrives; only then hang up the first.
    while (!/^BYE sip:two@/m.test(run.messages())) await new Promise((r) => setTimeout(r, 20));
    await result.dialog.bye();
    expect(await run.exited, run.output()).toBe(0);
    const byes = run.messages().match(/^BYE sip:(\w+)@/gm);
    expect(byes).toEqual(['BYE sip:two@', 'BYE sip:one@']);
  });

  it('nobody answers: Timer B ends the attempt with 408', async () => {
    const { agent } = await startAgent();
    const started = Date.now();
    const result = await agent.invite(
      'sip:nobody@127.0.31.9:15099',
      { from: 'bot', sdp: SDP },
      new AbortController().signal,
    );
    expect(result).toEqual({ outcome: 'failed', status: 408, reason: 'Request Timeout' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(64 * timerConfig.t1Ms - 50);
  });
});
