import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SipAgent } from './agent.js';
import { selfSignedCertificate } from './certificate.test-support.js';
import type { Dialog } from './dialog.js';

const SDP = 'v=0\r\no=- 1 1 IN IP4 127.0.31.50\r\ns=-\r\nc=IN IP4 127.0.31.50\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\n';
let dir = '';
let cert = '';
let key = '';
const agents: SipAgent[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sip-tls-'));
  ({ cert, key } = await selfSignedCertificate(dir, ['127.0.31.50', '127.0.31.51']));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(async () => {
  for (const a of agents.splice(0)) await a.close();
});

describe('TLS transport', () => {
  it('places and answers a call over TLS and hangs up', async () => {
    const start = (host: string) =>
      SipAgent.start({
        listen: [{ transport: 'tls', host, port: 0, cert, key }],
        tlsVerify: false,
        timerConfig: { t1Ms: 50 },
      });
    const callee = await start('127.0.31.50');
    const caller = await start('127.0.31.51');
    agents.push(caller, callee);
    const answered = new Promise<Dialog>((resolve) => callee.on('invite', (c) => void c.answer(SDP).then(resolve)));
    const result = await caller.invite(
      `sip:bob@127.0.31.50:${callee.addresses[0]?.port};transport=tls`,
      { from: 'alice', sdp: SDP },
      new AbortController().signal,
    );
    expect(result.outcome).toBe('answered');
    const dialog = await answered;
    const closed = new Promise((resolve) => dialog.events.on('closed', resolve));
    if (result.outcome === 'answered') await result.dialog.bye();
    expect(await closed).toBe('remote-bye');
  });

  it('refuses to listen on TLS without a certificate', async () => {
    await expect(
      SipAgent.start({ listen: [{ transport: 'tls', host: '127.0.31.50', port: 0 }] }),
    ).rejects.toMatchObject({ code: 'sip-transport' });
  });
});
