import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { SipAgent, type SipAgentOptions } from './agent.js';
import type { Dialog } from './dialog.js';
import { parseMessage, SipHeaders, type SipResponse } from './message.js';
import { Registrar } from './registrar.js';

const timerConfig = { t1Ms: 50, t2Ms: 400, t4Ms: 500 };
const sdp = (port: number) =>
  `v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio ${port} RTP/AVP 0\r\n`;

const open: Array<{ close(): unknown }> = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

async function agentOn(host: string, options: Partial<SipAgentOptions> = {}, transport: 'udp' | 'tcp' = 'udp') {
  const agent = await SipAgent.start({ listen: [{ transport, host, port: 0 }], timerConfig, ...options });
  open.push(agent);
  return agent;
}

/** A raw UDP peer: sends text, awaits the next response. */
async function rawPeer(host: string) {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((r) => socket.bind(0, host, () => r()));
  open.push({ close: () => new Promise<void>((r) => socket.close(() => r())) });
  const port = socket.address().port;
  const queue: SipResponse[] = [];
  const waiters: Array<(r: SipResponse) => void> = [];
  socket.on('message', (buf) => {
    let m: SipResponse;
    try {
      const parsed = parseMessage(buf);
      if (parsed.kind !== 'response') return;
      m = parsed;
    } catch {
      // Our 400 echoes the bad header back; the status line is what the test reads.
      const status = Number(/^SIP\/2\.0 (\d{3})/.exec(buf.toString())?.[1]);
      m = { kind: 'response', status, reason: '', headers: new SipHeaders(), body: '' };
    }
    const w = waiters.shift();
    if (w) w(m);
    else queue.push(m);
  });
  return {
    port,
    send: (text: string, to: number) => socket.send(Buffer.from(text.replace(/\n/g, '\r\n')), to, '127.0.31.10'),
    next: () =>
      new Promise<SipResponse>((resolve) => {
        const q = queue.shift();
        if (q) resolve(q);
        else waiters.push(resolve);
      }),
    sendBytes: (buf: Buffer, to: number) => socket.send(buf, to, '127.0.31.10'),
    drain: () => queue.splice(0),
  };
}

const request = (method: string, port: number, extra = '', body = '', branch = Math.random().toString(36).slice(2)) =>
  `${method} sip:x@127.0.31.10 SIP/2.0
Via: SIP/2.0/UDP 127.0.31.11:${port};branch=z9hG4bK${branch};rport
Max-Forwards: 70
From: <sip:peer@127.0.31.11>;tag=p1
To: <sip:x@127.0.31.10>
Call-ID: ${branch}@test
CSeq: 1 ${method}
${extra}Content-Length: ${Buffer.byteLength(body)}

${body}`;

describe('agent answering requests outside dialogs (raw UDP)', () => {
  it('answers OPTIONS 200 with Allow and Accept, routed back per rport', async () => {
    const agent = await agentOn('127.0.31.10');
    const peer = await rawPeer('127.0.31.11');
    peer.send(request('OPTIONS', 1 /* wrong port in Via: rport must win */), agent.addresses[0]?.port ?? 0);
    const res = await peer.next();
    expect(res.status).toBe(200);
    expect(res.headers.get('allow')).toContain('INVITE');
    expect(res.headers.get('accept')).toBe('application/sdp');
    expect(res.headers.get('via')).toContain(`rport=${peer.port}`);
  });

  it('answers malformed requests 400, ignores garbage, and keeps serving', async () => {
    const agent = await agentOn('127.0.31.10');
    const port = agent.addresses[0]?.port ?? 0;
    const peer = await rawPeer('127.0.31.11');
    peer.sendBytes(Buffer.from([0xff, 0x00, 0x13, 0x37]), port);
    peer.send(request('OPTIONS', peer.port).replace('Content-Length: 0', 'Content-Length: 99'), port);
    expect((await peer.next()).status).toBe(400);
    peer.send(request('OPTIONS', peer.port).replace('CSeq: 1 OPTIONS', 'CSeq: one OPTIONS'), port);
    expect((await peer.next()).status).toBe(400);
    peer.send(request('OPTIONS', peer.port), port);
    expect((await peer.next()).status).toBe(200);
  });

  it('answers 483 at Max-Forwards 0, 481 to BYE outside a dialog, 405 to unknown methods, 480 with no listener', async () => {
    const agent = await agentOn('127.0.31.10');
    const port = agent.addresses[0]?.port ?? 0;
    const peer = await rawPeer('127.0.31.11');
    peer.send(request('OPTIONS', peer.port).replace('Max-Forwards: 70', 'Max-Forwards: 0'), port);
    expect((await peer.next()).status).toBe(483);
    peer.send(request('BYE', peer.port), port);
    expect((await peer.next()).status).toBe(481);
    peer.send(request('PUBLISH', peer.port), port);
    expect((await peer.next()).status).toBe(405);
    peer.send(request('INVITE', peer.port, 'Contact: <sip:peer@127.0.31.11>\n', sdp(4000)), port);
    expect((await peer.next()).status).toBe(100);
    expect((await peer.next()).status).toBe(480);
  });

  it('answers 482 to the same INVITE arriving again by another path (new branch)', async () => {
    const agent = await agentOn('127.0.31.10');
    agent.on('invite', (call) => call.ring());
    const port = agent.addresses[0]?.port ?? 0;
    const peer = await rawPeer('127.0.31.11');
    const invite = request('INVITE', peer.port, 'Contact: <sip:peer@127.0.31.11>\n', sdp(4000), 'first');
    peer.send(invite, port);
    expect((await peer.next()).status).toBe(100);
    expect((await peer.next()).status).toBe(180);
    peer.send(invite.replace('branch=z9hG4bKfirst', 'branch=z9hG4bKsecond'), port);
    expect((await peer.next()).status).toBe(482);
  });

  it('answers 420 to an INVITE requiring an unknown extension and 415 to a body that is not SDP', async () => {
    const agent = await agentOn('127.0.31.10');
    agent.on('invite', (call) => call.ring());
    const port = agent.addresses[0]?.port ?? 0;
    const peer = await rawPeer('127.0.31.11');
    peer.send(request('INVITE', peer.port, 'Require: 100rel\n', sdp(4000)), port);
    const bad = await peer.next();
    expect([bad.status, bad.headers.get('unsupported')]).toEqual([420, '100rel']);
    peer.send(request('INVITE', peer.port, 'Content-Type: text/plain\n', 'hello'), port);
    expect((await peer.next()).status).toBe(415);
  });

  it('rejects a bad target with a typed error', async () => {
    const agent = await agentOn('127.0.31.10');
    await expect(
      agent.invite('sip:bad host', { from: 'x', sdp: '' }, new AbortController().signal),
    ).rejects.toMatchObject({ code: 'sip-bad-uri' });
    expect(() => agent.register('http://x', { aor: 'sip:a@b' })).toThrow(
      expect.objectContaining({ code: 'sip-bad-uri' }),
    );
  });

  it('answers CANCEL 200 and the INVITE 487, retransmitting the 487 until the ACK', async () => {
    const agent = await agentOn('127.0.31.10');
    const canceled = new Promise<void>((resolve) =>
      agent.on('invite', (call) => {
        call.ring();
        call.events.on('cancel', resolve);
      }),
    );
    const port = agent.addresses[0]?.port ?? 0;
    const peer = await rawPeer('127.0.31.11');
    const invite = request('INVITE', peer.port, 'Contact: <sip:peer@127.0.31.11>\n', sdp(4000), 'cx');
    peer.send(invite, port);
    expect((await peer.next()).status).toBe(100);
    const ringing = await peer.next();
    expect(ringing.status).toBe(180);
    peer.send(request('CANCEL', peer.port, '', '', 'cx'), port);
    const answers = [await peer.next(), await peer.next()].map((r) => `${r.status} ${r.headers.get('cseq')}`).sort();
    expect(answers).toEqual(['200 1 CANCEL', '487 1 INVITE']);
    await canceled;
    expect((await peer.next()).status).toBe(487); // Timer G: retransmitted until the ACK
    const to = ringing.headers.get('to') ?? '';
    peer.send(request('ACK', peer.port, '', '', 'cx').replace(/^To: .*$/m, `To: ${to}`), port);
    // Proving an absence needs a wait: drop what crossed the ACK, then longer than T2 (400 ms) of quiet.
    await new Promise((r) => setTimeout(r, 100));
    peer.drain();
    const after = await Promise.race([peer.next(), new Promise((r) => setTimeout(() => r('quiet'), 600))]);
    expect(after).toBe('quiet');
  });

  it('answers oversize requests 513 when it can still read them', async () => {
    const agent = await agentOn('127.0.31.10', { maxMessageBytes: 2000 });
    const peer = await rawPeer('127.0.31.11');
    peer.send(request('OPTIONS', peer.port, `X-Pad: ${'a'.repeat(3000)}\n`), agent.addresses[0]?.port ?? 0);
    expect((await peer.next()).status).toBe(513);
  });

  it('limits requests per source: 503 with Retry-After beyond the rate', async () => {
    const agent = await agentOn('127.0.31.10', { requestsPerSecondPerSource: 3 });
    const peer = await rawPeer('127.0.31.11');
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      peer.send(request('OPTIONS', peer.port), agent.addresses[0]?.port ?? 0);
      const res = await peer.next();
      statuses.push(res.status);
      if (res.status === 503) expect(res.headers.get('retry-after')).toBe('5');
    }
    expect(statuses).toEqual([200, 200, 200, 503, 503]);
  });
});

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

describe('registrar and registration', () => {
  it('registers with digest (401), looks the contact up with its source, refreshes, and unregisters', async () => {
    const registrar = new Registrar({ minExpiresS: 1 });
    open.push(registrar);
    const server = await agentOn('127.0.31.30', {
      registrar,
      authorize: (req) =>
        req.method === 'REGISTER'
          ? { challenge: { realm: 'pb', password: (u) => (u === '100' ? 'pw' : undefined) } }
          : { allow: true },
    });
    const users: Array<string | undefined> = [];
    server.on('register', (_req, _source, user) => users.push(user));
    const phone = await agentOn('127.0.31.31');
    const reg = phone.register(`sip:127.0.31.30:${server.addresses[0]?.port}`, {
      aor: 'sip:100@pb.test',
      credentials: { username: '100', password: 'pw' },
      expiresS: 2,
    });
    expect(await new Promise((resolve) => reg.once('registered', resolve))).toBe(2);
    const [binding] = registrar.lookup('100@pb.test');
    expect(binding?.source).toMatchObject({ address: '127.0.31.31', port: phone.addresses[0]?.port });
    expect(await new Promise((resolve) => reg.once('registered', resolve))).toBe(2); // refreshed before expiry
    await reg.unregister();
    expect(registrar.lookup('100@pb.test')).toEqual([]);
    expect(users).toEqual(['100', '100', '100']);
  });

  it('calls a phone behind NAT at the address it registered from, not its unreachable Contact', async () => {
    const registrar = new Registrar();
    open.push(registrar);
    const server = await agentOn('127.0.31.30', { registrar });
    // The phone writes a private address into its Contact, as a phone behind NAT does.
    const phone = await agentOn('127.0.31.31', { publicAddress: '10.99.0.1' });
    const reg = phone.register(`sip:127.0.31.30:${server.addresses[0]?.port}`, { aor: 'sip:100@pb.test' });
    await new Promise((resolve) => reg.once('registered', resolve));
    const [binding] = registrar.lookup('100@pb.test');
    if (!binding) throw new Error('no binding');
    expect(binding.uri.host).toBe('10.99.0.1');
    const rang = new Promise<string | undefined>((resolve) =>
      phone.on('invite', (c) => {
        resolve(c.requestUri.host);
        c.reject(486);
      }),
    );
    const { source } = binding;
    const result = await server.invite(
      `sip:100@${binding.uri.host}:${binding.uri.port}`,
      {
        from: 'pbx',
        sdp: sdp(4000),
        destination: { transport: source.transport, host: source.address, port: source.port },
      },
      new AbortController().signal,
    );
    expect(await rang).toBe('10.99.0.1');
    expect(result).toMatchObject({ outcome: 'failed', status: 486 });
  });

  it('answers 423 below Min-Expires; the client raises Expires and succeeds', async () => {
    const registrar = new Registrar({ minExpiresS: 120 });
    open.push(registrar);
    const server = await agentOn('127.0.31.30', { registrar });
    const phone = await agentOn('127.0.31.31');
    const reg = phone.register(`sip:127.0.31.30:${server.addresses[0]?.port}`, {
      aor: 'sip:100@pb.test',
      expiresS: 30,
    });
    expect(await new Promise((resolve) => reg.once('registered', resolve))).toBe(120);
  });

  it('a wrong password fails registration', async () => {
    const server = await agentOn('127.0.31.30', {
      registrar: new Registrar(),
      authorize: () => ({ challenge: { realm: 'pb', password: () => 'right' } }),
    });
    const phone = await agentOn('127.0.31.31');
    const reg = phone.register(`sip:127.0.31.30:${server.addresses[0]?.port}`, {
      aor: 'sip:100@pb.test',
      credentials: { username: '100', password: 'wrong' },
    });
    expect(await new Promise((resolve) => reg.once('failed', (status) => resolve(status)))).toBe(401);
  });
});
