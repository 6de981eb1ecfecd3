import { describe, expect, it } from 'vitest';
import { agentOn, sdp, timerConfig } from './agent.test-support.js';
import type { Dialog } from './dialog.js';
import type { SipResponse } from './message.js';

describe('agent to agent', () => {
  async function call(transport: 'udp' | 'tcp' = 'udp') {
    const a = await agentOn('127.0.31.20', {}, transport);
    const b = await agentOn('127.0.31.21', {}, transport);
    const answered = new Promise<Dialog>((resolve) =>
      b.on('invite', (c) => void c.answer(sdp(5000)).then(resolve, () => {})),
    );
    const target = `sip:bob@127.0.31.21:${b.addresses[0]?.port}${transport === 'tcp' ? ';transport=tcp' : ''}?X-Account=42`;
    const result = await a.invite(
      target,
      { from: '+15550001111', displayName: 'Bot', sdp: sdp(4000) },
      new AbortController().signal,
    );
    if (result.outcome !== 'answered') throw new Error(`call ${result.outcome}`);
    return { a, b, caller: result.dialog, callee: await answered, answer: result.sdp };
  }

  it('carries custom URI headers and the display name; BYE closes both sides', async () => {
    const a = await agentOn('127.0.31.20');
    const b = await agentOn('127.0.31.21');
    const seen = new Promise<{ header: string | undefined; name: string | undefined; user: string | undefined }>(
      (resolve) =>
        b.on('invite', (c) => {
          resolve({ header: c.request.headers.get('x-account'), name: c.from.displayName, user: c.from.uri.user });
          c.answer(sdp(5000)).catch(() => {});
        }),
    );
    const r = await a.invite(
      `sip:bob@127.0.31.21:${b.addresses[0]?.port}?X-Account=42`,
      { from: '+15550001111', displayName: 'Bot', sdp: sdp(4000) },
      new AbortController().signal,
    );
    expect(await seen).toEqual({ header: '42', name: 'Bot', user: '+15550001111' });
    expect(r.outcome).toBe('answered');
  });

  for (const transport of ['udp', 'tcp'] as const) {
    it(`over ${transport}: answer SDP arrives, re-INVITE both ways, BYE closes both sides`, async () => {
      const { caller, callee, answer } = await call(transport);
      expect(answer).toContain('m=audio 5000');
      callee.events.on('reinvite', (offer, respond) =>
        respond(offer?.includes('sendonly') ? sdp(5000).replace('m=audio', 'a=recvonly\r\nm=audio') : sdp(5000)),
      );
      expect(await caller.reinvite(`${sdp(4000)}a=sendonly\r\n`)).toContain('a=recvonly');
      expect(await callee.reinvite(sdp(5002))).toContain('m=audio 4000'); // no listener: current session
      const closed = new Promise((resolve) => callee.events.on('closed', resolve));
      await caller.bye();
      expect(await closed).toBe('remote-bye');
    });
  }

  it('re-INVITE glare: both sides get 491, back off (callee 0-2 s, caller 2.1-4 s) and both succeed', {
    timeout: 10_000,
  }, async () => {
    const { caller, callee } = await call();
    caller.events.on('reinvite', (_offer, respond) => respond(sdp(4006)));
    callee.events.on('reinvite', (_offer, respond) => respond(sdp(5006)));
    const started = Date.now();
    const [fromCallee, fromCaller] = await Promise.all([
      caller.reinvite(sdp(4004)).then((answer) => ({ answer, ms: Date.now() - started })),
      callee.reinvite(sdp(5004)),
    ]);
    expect(fromCallee.answer).toContain('m=audio 5006');
    expect(fromCaller).toContain('m=audio 4006');
    expect(fromCallee.ms).toBeGreaterThanOrEqual(2100);
  });

  it("a re-INVITE is not sent while the peer's is unanswered; it waits for it", async () => {
    const { caller, callee } = await call();
    let respondLater: ((sdp: string) => void) | undefined;
    caller.events.on('reinvite', (_offer, respond) => (respondLater = respond));
    const calleeReinvite = callee.reinvite(sdp(5004));
    while (!respondLater) await new Promise((r) => setTimeout(r, 5));
    const callerReinvite = caller.reinvite(sdp(4008));
    respondLater(sdp(4006));
    expect(await calleeReinvite).toContain('m=audio 4006');
    expect(await callerReinvite).toContain('m=audio 5004');
  });

  it('answers INFO, session-refresh UPDATE without SDP, and 481 for an unknown dialog', async () => {
    const { caller, callee } = await call();
    const infos: string[] = [];
    callee.events.on('info', (type, body) => infos.push(`${type}:${body}`));
    const impl = caller as unknown as {
      send(r: unknown): Promise<SipResponse>;
      request(m: string, b?: string, t?: string): unknown;
    };
    expect((await impl.send(impl.request('INFO', 'Signal=5\r\n', 'application/dtmf-relay'))).status).toBe(200);
    expect(infos).toEqual(['application/dtmf-relay:Signal=5\r\n']);
    expect((await impl.send(impl.request('UPDATE'))).status).toBe(200);
    const refresh = await impl.send(impl.request('INVITE')); // re-INVITE without SDP: the answer offers the session
    expect(refresh.status).toBe(200);
    expect(refresh.body).toContain('m=audio 5000');
    await callee.bye();
    expect((await impl.send(impl.request('INFO', 'x', 'text/plain'))).status).toBe(481);
  });

  it('early media: 183 with SDP reaches onProvisional before the answer', async () => {
    const a = await agentOn('127.0.31.20');
    const b = await agentOn('127.0.31.21');
    b.on('invite', (c) => {
      c.ring(sdp(5010));
      c.answer(sdp(5000)).catch(() => {});
    });
    const provisional: Array<[number, string | undefined]> = [];
    const r = await a.invite(
      `sip:bob@127.0.31.21:${b.addresses[0]?.port}`,
      { from: 'bot', sdp: sdp(4000) },
      new AbortController().signal,
      (status, early) => provisional.push([status, early]),
    );
    expect(r.outcome).toBe('answered');
    expect(provisional).toEqual([[183, sdp(5010)]]);
  });

  it('the callee sees the caller give up: cancel event, and answer() refused afterwards', async () => {
    const a = await agentOn('127.0.31.20');
    const b = await agentOn('127.0.31.21');
    const controller = new AbortController();
    const canceled = new Promise<unknown>((resolve) =>
      b.on('invite', (c) => {
        c.events.on('cancel', () => resolve(c.answer(sdp(5000)).catch((e) => e)));
        c.ring();
      }),
    );
    const r = await a.invite(
      `sip:bob@127.0.31.21:${b.addresses[0]?.port}`,
      { from: 'bot', sdp: sdp(4000) },
      controller.signal,
      () => controller.abort(),
    );
    expect(r).toEqual({ outcome: 'canceled' });
    expect(await canceled).toMatchObject({ code: 'sip-dialog' });
  });

  it('an unreachable TCP target fails at once with 503, not after Timer B', async () => {
    const a = await agentOn('127.0.31.20', {}, 'tcp');
    const started = Date.now();
    const result = await a.invite(
      'sip:bob@127.0.31.22:15099;transport=tcp',
      { from: 'bot', sdp: sdp(4000) },
      new AbortController().signal,
    );
    expect(result).toEqual({ outcome: 'failed', status: 503, reason: 'Service Unavailable' });
    expect(Date.now() - started).toBeLessThan(64 * timerConfig.t1Ms);
  });

  it('close() sends BYE for open dialogs', async () => {
    const { a, callee } = await call();
    const closed = new Promise((resolve) => callee.events.on('closed', resolve));
    await a.close();
    expect(await closed).toBe('remote-bye');
  });
});
