import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { SipAgent } from './agent.js';
import { RateLimiter } from './rate-limit.js';
import { VirtualTimers } from './timers.js';

const open: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of open.splice(0)) await close();
});

describe('RateLimiter', () => {
  it('passes the rate, throttles up to twice it, drops beyond, and refills with time', () => {
    const timers = new VirtualTimers();
    const limiter = new RateLimiter(3, timers);
    const verdicts = Array.from({ length: 7 }, () => limiter.check('192.0.2.1'));
    expect(verdicts).toEqual(['ok', 'ok', 'ok', 'throttle', 'throttle', 'drop', 'drop']);
    expect(limiter.check('192.0.2.2')).toBe('ok');
    timers.advance(2000);
    expect(limiter.check('192.0.2.1')).toBe('ok');
  });
});

describe('a request the rate limit drops', () => {
  it('leaves no transaction behind: its retransmission, once the source has slowed, is answered', async () => {
    const timers = new VirtualTimers();
    const agent = await SipAgent.start({
      listen: [{ transport: 'udp', host: '127.0.0.76', port: 0 }],
      requestsPerSecondPerSource: 3,
      timers,
    });
    open.push(() => agent.close());
    const port = agent.addresses[0]?.port ?? 0;
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.77', () => resolve()));
    open.push(() => new Promise<void>((resolve) => socket.close(() => resolve())));
    const answers: string[] = [];
    const waiting: Array<() => void> = [];
    socket.on('message', (buffer) => {
      answers.push(buffer.toString());
      waiting.shift()?.();
    });
    const options = (branch: string) =>
      Buffer.from(
        `OPTIONS sip:x@127.0.0.76 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.77:${socket.address().port};branch=z9hG4bK${branch};rport\r\n` +
          `From: <sip:a@127.0.0.77>;tag=1\r\nTo: <sip:x@127.0.0.76>\r\nCall-ID: ${branch}\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n`,
      );
    const answered = (count: number) =>
      new Promise<void>((resolve) => {
        const check = () => (answers.length >= count ? resolve() : waiting.push(check));
        check();
      });
    // Three pass, two are throttled; the sixth is dropped unanswered.
    for (let i = 0; i < 5; i++) socket.send(options(`b${i}`), port, '127.0.0.76');
    await answered(5);
    await new Promise((resolve) => socket.send(options('late'), port, '127.0.0.76', resolve));
    // The server reads its socket in order: once another source's request is answered, 'late' was seen (and dropped).
    const other = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => other.bind(0, '127.0.0.78', () => resolve()));
    open.push(() => new Promise<void>((resolve) => other.close(() => resolve())));
    const seen = new Promise((resolve) => other.once('message', resolve));
    other.send(options('other').toString().replaceAll('127.0.0.77', '127.0.0.78'), port, '127.0.0.76');
    await seen;
    expect(answers).toHaveLength(5);
    // Two seconds on: the bucket is full again and the phone retransmits the same request.
    timers.advance(2000);
    socket.send(options('late'), port, '127.0.0.76');
    await answered(6);
    expect(answers.map((text) => text.split('\r\n')[0])).toEqual([
      ...Array(3).fill('SIP/2.0 200 OK'),
      ...Array(2).fill('SIP/2.0 503 Service Unavailable'),
      'SIP/2.0 200 OK',
    ]);
    expect(answers[5]).toContain('Call-ID: late');
  });
});
