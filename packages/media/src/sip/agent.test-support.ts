/**
 * Shared pieces of the agent tests: agents on loopback with short timers (closed after each
 * test), a raw UDP peer that speaks SIP by hand, and a request template.
 *
 * @example
 * const agent = await agentOn('127.0.31.10');
 * const peer = await rawPeer('127.0.31.11');
 * peer.send(request('OPTIONS', peer.port), agent.addresses[0]?.port ?? 0);
 */
import dgram from 'node:dgram';
import { afterEach } from 'vitest';
import { SipAgent, type SipAgentOptions } from './agent.js';
import { parseMessage, SipHeaders, type SipResponse } from './message.js';

export const timerConfig = { t1Ms: 50, t2Ms: 400, t4Ms: 500 };
export const sdp = (port: number) =>
  `v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio ${port} RTP/AVP 0\r\n`;

export const open: Array<{ close(): unknown }> = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

export async function agentOn(host: string, options: Partial<SipAgentOptions> = {}, transport: 'udp' | 'tcp' = 'udp') {
  const agent = await SipAgent.start({ listen: [{ transport, host, port: 0 }], timerConfig, ...options });
  open.push(agent);
  return agent;
}

/** A raw UDP peer: sends text, awaits the next response. */
export async function rawPeer(host: string) {
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

export const request = (
  method: string,
  port: number,
  extra = '',
  body = '',
  branch = Math.random().toString(36).slice(2),
) =>
  `${method} sip:x@127.0.31.10 SIP/2.0
Via: SIP/2.0/UDP 127.0.31.11:${port};branch=z9hG4bK${branch};rport
Max-Forwards: 70
From: <sip:peer@127.0.31.11>;tag=p1
To: <sip:x@127.0.31.10>
Call-ID: ${branch}@test
CSeq: 1 ${method}
${extra}Content-Length: ${Buffer.byteLength(body)}

${body}`;
