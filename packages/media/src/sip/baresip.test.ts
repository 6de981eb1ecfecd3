import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SipAgent } from './agent.js';

// Smoke test against a real phone: baresip 1.0 (see MEDIA.md for its quirks).
const PHONE = '127.0.31.40';
const SDP =
  'v=0\r\no=- 1 1 IN IP4 127.0.31.1\r\ns=-\r\nc=IN IP4 127.0.31.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n';

let agent: SipAgent | undefined;
let phone: ChildProcess | undefined;
let dir: string | undefined;

afterEach(async () => {
  if (phone && phone.exitCode === null) phone.kill('SIGKILL');
  await agent?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  [agent, phone, dir] = [undefined, undefined, undefined];
});

function startPhone(
  port: number,
  extra: string[] = [],
): { output: () => string; waitFor: (text: string) => Promise<void> } {
  dir = mkdtempSync(join(tmpdir(), 'baresip-'));
  execFileSync('sox', ['-n', '-r', '8000', '-c', '1', '-b', '16', join(dir, 'tone.wav'), 'synth', '30', 'sine', '440']);
  writeFileSync(
    join(dir, 'config'),
    [
      'poll_method epoll',
      `sip_listen ${PHONE}:${port}`,
      `net_interface ${PHONE}`,
      'audio_player aubridge,nil',
      `audio_source aufile,${join(dir, 'tone.wav')}`,
      'audio_alert aubridge,nil',
      'module_path /usr/lib/baresip/modules',
      'module g711.so',
      'module aufile.so',
      'module aubridge.so',
      'module_app account.so',
      'module_app menu.so',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'accounts'), `<sip:phone@${PHONE}>;regint=0;answermode=auto\n`);
  const child = spawn('baresip', ['-f', dir, '-t', '10', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  phone = child;
  let out = '';
  const waiters: Array<() => void> = [];
  const onData = (d: Buffer) => {
    out += d;
    for (const w of waiters.splice(0)) w();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  return {
    output: () => out,
    waitFor: (text) =>
      new Promise<void>((resolve) => {
        const check = () => (out.includes(text) ? resolve() : waiters.push(check));
        check();
      }),
  };
}

describe('baresip smoke test', () => {
  it('baresip calls the agent: ringing, answered, our BYE ends the call on the phone', {
    timeout: 15_000,
  }, async () => {
    agent = await SipAgent.start({ listen: [{ transport: 'udp', host: '127.0.31.1', port: 0 }] });
    const a = agent;
    const dialog = new Promise<import('./dialog.js').Dialog>((resolve) =>
      a.on('invite', (call) => {
        expect(call.offer).toContain('PCMU/8000');
        call.ring();
        void call.answer(SDP).then(resolve);
      }),
    );
    const p = startPhone(15062, ['-e', `/dial sip:patchbay@127.0.31.1:${a.addresses[0]?.port}`]);
    const established = await dialog;
    await p.waitFor('Call established');
    await established.bye();
    await p.waitFor('session closed');
    expect(p.output()).toContain('180 Ringing');
  });

  it("the agent calls baresip (auto-answer): answered with PCMU, BYE closes the phone's session", {
    timeout: 15_000,
  }, async () => {
    agent = await SipAgent.start({ listen: [{ transport: 'udp', host: '127.0.31.1', port: 0 }] });
    const p = startPhone(15064);
    await p.waitFor('baresip is ready');
    const result = await agent.invite(
      `sip:phone@${PHONE}:15064`,
      { from: 'patchbay', sdp: SDP },
      new AbortController().signal,
    );
    expect(result.outcome).toBe('answered');
    if (result.outcome !== 'answered') return;
    expect(result.sdp).toContain('PCMU/8000');
    await result.dialog.bye();
    await p.waitFor('session closed');
  });
});
