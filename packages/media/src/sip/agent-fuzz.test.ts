import dgram from 'node:dgram';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { SipAgent } from './agent.js';

const TEMPLATE = [
  'INVITE sip:bob@127.0.31.70 SIP/2.0',
  'Via: SIP/2.0/UDP 127.0.31.71:5060;branch=z9hG4bKfuzz;rport',
  'Max-Forwards: 70',
  'From: "A" <sip:alice@127.0.31.71>;tag=f1',
  'To: <sip:bob@127.0.31.70>',
  'Call-ID: fuzz@127.0.31.71',
  'CSeq: 1 INVITE',
  'Contact: <sip:alice@127.0.31.71:5060>',
  'Content-Type: application/sdp',
  'Content-Length: 4',
  '',
  'v=0',
];

let agent: SipAgent | undefined;
let socket: dgram.Socket | undefined;
afterEach(async () => {
  await agent?.close();
  await new Promise<void>((r) => (socket ? socket.close(() => r()) : r()));
  [agent, socket] = [undefined, undefined];
});

describe('agent under malformed traffic', () => {
  it('survives mutated INVITE/BYE/CANCEL/ACK datagrams and still answers OPTIONS', async () => {
    const errors: unknown[] = [];
    agent = await SipAgent.start({
      listen: [{ transport: 'udp', host: '127.0.31.70', port: 0 }],
      timerConfig: { t1Ms: 20 },
    });
    agent.on('error', (e) => errors.push(e));
    agent.on('invite', (call) => (Math.random() < 0.5 ? call.reject(486) : call.answer('v=0\r\n').catch(() => {})));
    const port = agent.addresses[0]?.port ?? 0;
    const s = dgram.createSocket('udp4');
    socket = s;
    await new Promise<void>((r) => s.bind(0, '127.0.31.71', () => r()));
    const mutation = fc.record({
      method: fc.constantFrom('INVITE', 'BYE', 'CANCEL', 'ACK', 'OPTIONS', 'REGISTER', 'UPDATE', 'X'),
      drop: fc.array(fc.nat(11), { maxLength: 3 }),
      replace: fc.array(fc.tuple(fc.nat(11), fc.string({ maxLength: 40 })), { maxLength: 3 }),
      toTag: fc.boolean(),
    });
    const samples = fc.sample(mutation, { numRuns: 400, seed: 42 });
    for (const m of samples) {
      const lines = TEMPLATE.map((l) => l.replace(/INVITE/g, m.method));
      if (m.toTag) lines[4] = `${lines[4]};tag=t${m.drop.length}`;
      for (const [i, text] of m.replace) lines[i] = text;
      const kept = lines.filter((_, i) => !m.drop.includes(i));
      s.send(Buffer.from(kept.join('\r\n')), port, '127.0.31.70');
    }
    const answer = new Promise<string>((resolve) =>
      s.on(
        'message',
        (buf) => buf.toString().includes('CSeq: 9 OPTIONS') && resolve(buf.toString().split('\r\n')[0] ?? ''),
      ),
    );
    // UDP may drop datagrams in this burst, so the probe is retransmitted like any UAC would (Timer E).
    const probe = Buffer.from(
      'OPTIONS sip:bob@127.0.31.70 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.31.71;branch=z9hG4bKlast;rport\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:bob@127.0.31.70>\r\nCall-ID: last\r\nCSeq: 9 OPTIONS\r\nContent-Length: 0\r\n\r\n',
    );
    const retransmit = setInterval(() => s.send(probe, port, '127.0.31.70'), 100);
    s.send(probe, port, '127.0.31.70');
    const status = await answer.finally(() => clearInterval(retransmit));
    expect(status).toBe('SIP/2.0 200 OK');
    expect(errors.filter((e) => (e as { code?: string }).code !== 'sip-transport')).toEqual([]);
  });
});
