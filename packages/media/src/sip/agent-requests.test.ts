import dgram from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { agentOn, open, rawPeer, request, sdp } from './agent.test-support.js';
import type { Dialog } from './dialog.js';

describe('agent answering requests outside dialogs (raw UDP)', () => {
  it('answers OPTIONS 200 with Allow and Accept, routed back per rport', async () => {
    const agent = await agentOn('127.0.31.10');
    const peer = await rawPeer('127.0.31.11');
    // A phone behind NAT writes its private address and port into Via: received/rport must win.
    const natted = request('OPTIONS', 1).replace('Via: SIP/2.0/UDP 127.0.31.11:1', 'Via: SIP/2.0/UDP 10.1.2.3:1');
    peer.send(natted, agent.addresses[0]?.port ?? 0);
    const res = await peer.next();
    expect(res.status).toBe(200);
    expect(res.headers.get('allow')).toContain('INVITE');
    expect(res.headers.get('accept')).toBe('application/sdp');
    expect(res.headers.get('via')).toContain(`rport=${peer.port}`);
    expect(res.headers.get('via')).toContain('received=127.0.31.11');
  });

  it('bound to 0.0.0.0, names a real interface in Via instead', async () => {
    const agent = await agentOn('0.0.0.0');
    const phone = dgram.createSocket('udp4');
    await new Promise<void>((r) => phone.bind(0, '127.0.31.11', () => r()));
    open.push({ close: () => new Promise<void>((r) => phone.close(() => r())) });
    const received = new Promise<string>((resolve) => phone.on('message', (buf) => resolve(buf.toString())));
    void agent.options(`sip:127.0.31.11:${phone.address().port}`);
    const via = /^Via: (.*)$/m.exec(await received)?.[1] ?? '';
    expect(via).toMatch(/^SIP\/2\.0\/UDP \d+\.\d+\.\d+\.\d+:\d+;branch=z9hG4bK/);
    expect(via).not.toContain('0.0.0.0');
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

describe('route sets', () => {
  it('answers with the Record-Route and sends in-dialog requests through it (loose routing)', async () => {
    const agent = await agentOn('127.0.31.10');
    const port = agent.addresses[0]?.port ?? 0;
    const proxy = dgram.createSocket('udp4');
    await new Promise<void>((r) => proxy.bind(0, '127.0.31.12', () => r()));
    open.push({ close: () => new Promise<void>((r) => proxy.close(() => r())) });
    const viaProxy = new Promise<string>((resolve) => proxy.on('message', (buf) => resolve(buf.toString())));
    const dialog = new Promise<Dialog>((resolve) => agent.on('invite', (c) => void c.answer(sdp(5000)).then(resolve)));
    const peer = await rawPeer('127.0.31.11');
    const rr = `<sip:proxy@127.0.31.12:${proxy.address().port};lr>`;
    peer.send(
      request(
        'INVITE',
        peer.port,
        `Record-Route: ${rr}\nContact: <sip:peer@127.0.31.11:${peer.port}>\n`,
        sdp(4000),
        'rr',
      ),
      port,
    );
    expect((await peer.next()).status).toBe(100);
    const ok = await peer.next();
    expect(ok.headers.get('record-route')).toBe(rr);
    const to = ok.headers.get('to') ?? '';
    peer.send(
      request('ACK', peer.port, '', '', 'rr-ack')
        .replace(/^To: .*$/m, `To: ${to}`)
        .replace('Call-ID: rr-ack@test', 'Call-ID: rr@test'),
      port,
    );
    void (await dialog).bye();
    const bye = await viaProxy;
    expect(bye).toMatch(new RegExp(`^BYE sip:peer@127\\.0\\.31\\.11:${peer.port} SIP/2\\.0`));
    expect(bye).toContain(`Route: ${rr}`);
  });
});
