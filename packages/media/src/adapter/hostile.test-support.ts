/**
 * What the hostile-input tests share: a real `patchbay serve --media sip` server (UDP and TCP on
 * 127.0.0.1), an app server that records every request it gets, and a raw SIP peer on its own
 * 127.0.0.x that sends whatever bytes a test gives it and collects the answers, as a scanner or
 * a broken phone would.
 *
 * @example
 * const s = await hostileServer({ rtpPorts: { min: 46000, max: 46998 } });
 * const peer = await rawPeer('127.0.0.70');
 * expect(await peer.ask(s.sipPort, sipRequest({ method: 'OPTIONS', uri: 'sip:x@127.0.0.1' }))).toMatch(/^SIP\/2.0 200/);
 */
import { randomUUID } from 'node:crypto';
import dgram from 'node:dgram';
import net from 'node:net';
import type { RunningServer, SipMediaOptions } from '@patchbay/runtime';
import { type AppServer, startAppServer } from '@patchbay/runtime/testing';
import { sipServer } from './scenarios.test-support.js';

export interface HostileServer {
  readonly server: RunningServer;
  readonly app: AppServer;
  readonly sipPort: number;
  /** POSTs a form to the account's REST API; resolves with the JSON body. */
  post(path: string, form: Record<string, string>): Promise<Record<string, string>>;
  /** GETs from the account's REST API. */
  get(path: string): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

export async function hostileServer(
  options: Partial<SipMediaOptions> & { rtpPorts: SipMediaOptions['rtpPorts'] },
  routes: Parameters<typeof startAppServer>[0] = { '/voice': () => '<Response><Pause length="30"/></Response>' },
): Promise<HostileServer> {
  const app = await startAppServer(routes);
  const steps: Array<() => Promise<unknown>> = [];
  const { server, sipPort, rest } = await sipServer((step) => void steps.push(step), {
    listen: [{ host: '127.0.0.1', port: 0, transports: ['udp', 'tcp'] }],
    ...options,
  });
  return {
    server,
    app,
    sipPort,
    post: async (path, form) => (await rest.post(path, form)) as Record<string, string>,
    get: (path) => rest.get(path),
    async close() {
      for (const step of steps.reverse()) await step().catch(() => undefined);
      await app.close();
    },
  };
}

/** A SIP request as text, with the headers a well-formed one needs unless `headers` overrides them. */
export function sipRequest(options: {
  method: string;
  uri: string;
  from?: string;
  callId?: string;
  cseq?: number;
  via?: string;
  headers?: Record<string, string>;
  body?: string;
}): string {
  const body = options.body ?? '';
  const fields: Record<string, string> = {
    Via: options.via ?? `SIP/2.0/UDP 127.0.0.70:5060;branch=z9hG4bK${randomUUID().slice(0, 12)};rport`,
    'Max-Forwards': '70',
    From: `<${options.from ?? 'sip:scanner@127.0.0.70'}>;tag=${randomUUID().slice(0, 8)}`,
    To: `<${options.uri}>`,
    'Call-ID': options.callId ?? randomUUID(),
    CSeq: `${options.cseq ?? 1} ${options.method}`,
    Contact: `<${options.from ?? 'sip:scanner@127.0.0.70'}>`,
    ...(body ? { 'Content-Type': 'application/sdp' } : {}),
    'Content-Length': String(Buffer.byteLength(body)),
    ...options.headers,
  };
  const lines = Object.entries(fields).map(([name, value]) => `${name}: ${value}`);
  return `${options.method} ${options.uri} SIP/2.0\r\n${lines.join('\r\n')}\r\n\r\n${body}`;
}

/** An SDP offer with one audio stream of the given formats. */
export function offer(address: string, port: number, formats: string, extra: string[] = []): string {
  return [
    'v=0',
    `o=- 1 1 IN IP4 ${address}`,
    's=-',
    `c=IN IP4 ${address}`,
    't=0 0',
    `m=audio ${port} RTP/AVP ${formats}`,
    ...extra,
    '',
  ].join('\r\n');
}

export interface RawPeer {
  readonly address: string;
  /** Sends `bytes` over UDP without waiting. */
  send(port: number, bytes: string | Buffer): void;
  /**
   * Sends a request over UDP (again every 500 ms, as Timer E would) and resolves with the status
   * line of its first final response (matched by Call-ID), or `undefined` after `timeoutMs`.
   */
  ask(port: number, request: string, timeoutMs?: number): Promise<string | undefined>;
  /** Every response this peer has received, whole. */
  readonly received: string[];
  close(): Promise<void>;
}

const callIdOf = (text: string) => /^(?:Call-ID|i)\s*:\s*(.*)$/im.exec(text)?.[1]?.trim();

export async function rawPeer(address: string): Promise<RawPeer> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, address, () => resolve()));
  const received: string[] = [];
  socket.on('message', (buffer) => received.push(buffer.toString('latin1')));
  return {
    address,
    received,
    send: (port, bytes) =>
      socket.send(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes, port, '127.0.0.1'),
    ask(port, request, timeoutMs = 5000) {
      const callId = callIdOf(request);
      return new Promise((resolve) => {
        const onMessage = (buffer: Buffer) => {
          const text = buffer.toString('latin1');
          const status = /^SIP\/2\.0 (\d{3})[^\r\n]*/.exec(text);
          if (!status || Number(status[1]) < 200 || callIdOf(text) !== callId) return;
          done(status[0]);
        };
        const retransmit = setInterval(() => socket.send(Buffer.from(request, 'latin1'), port, '127.0.0.1'), 500);
        const timer = setTimeout(() => done(undefined), timeoutMs);
        const done = (status: string | undefined) => {
          clearInterval(retransmit);
          clearTimeout(timer);
          socket.off('message', onMessage);
          resolve(status);
        };
        socket.on('message', onMessage);
        socket.send(Buffer.from(request, 'latin1'), port, '127.0.0.1');
      });
    },
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

/** The raw peers a test file opened, closed together at its end. */
export class RawPeers {
  private readonly open: RawPeer[] = [];

  async at(address: string): Promise<RawPeer> {
    const peer = await rawPeer(address);
    this.open.push(peer);
    return peer;
  }

  async close(): Promise<void> {
    await Promise.all(this.open.splice(0).map((peer) => peer.close()));
  }
}

/**
 * Opens a TCP connection from `address`, writes `bytes`, and resolves with everything the server
 * wrote back until it closed the connection, a final response arrived, or `timeoutMs` passed.
 */
export function overTcp(address: string, port: number, bytes: string | Buffer, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = net.connect({ host: '127.0.0.1', port, localAddress: address });
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(Buffer.concat(chunks).toString('latin1'));
    };
    const timer = setTimeout(done, timeoutMs);
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      if (/^SIP\/2\.0 [2-6]\d\d/m.test(Buffer.concat(chunks).toString('latin1'))) done();
    });
    socket.on('error', done);
    socket.on('close', done);
    socket.write(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes);
  });
}

/** The account's calls, newest first, as REST lists them. */
export async function calls(server: HostileServer): Promise<Array<Record<string, string>>> {
  const page = await server.get('Calls.json');
  return page.calls as Array<Record<string, string>>;
}
