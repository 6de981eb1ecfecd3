/**
 * What the hostile WebRTC tests throw at a session: STUN binding requests with wrong credentials,
 * DTLS records from a stranger, random bytes, and offers mutated at random (seeded, so a failure
 * can be replayed). Plus the check that a transport left nothing behind: every port of its range
 * binds again.
 *
 * @example
 * const port = hostPort(session.localSdp);
 * await flood(port, '127.0.63.9', 5000);
 */
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { Worker } from 'node:worker_threads';

/** The port of the first host candidate in an SDP. */
export function hostPort(sdp: string): number {
  const m = /a=candidate:\S+ 1 udp \d+ \S+ (\d+) typ host/i.exec(sdp);
  if (!m) throw new Error('no host candidate in the SDP');
  return Number(m[1]);
}

/** A STUN binding request (RFC 5389) with USERNAME and a MESSAGE-INTEGRITY that cannot verify. */
export function stunRequest(username: string): Buffer {
  const user = Buffer.from(username);
  const padded = Math.ceil(user.length / 4) * 4;
  const attrs = Buffer.alloc(4 + padded + 4 + 20);
  attrs.writeUInt16BE(0x0006, 0);
  attrs.writeUInt16BE(user.length, 2);
  user.copy(attrs, 4);
  attrs.writeUInt16BE(0x0008, 4 + padded);
  attrs.writeUInt16BE(20, 6 + padded);
  randomBytes(20).copy(attrs, 8 + padded);
  const header = Buffer.alloc(20);
  header.writeUInt16BE(0x0001, 0);
  header.writeUInt16BE(attrs.length, 2);
  header.writeUInt32BE(0x2112a442, 4);
  randomBytes(12).copy(header, 8);
  return Buffer.concat([header, attrs]);
}

/** A DTLS 1.2 ClientHello record, well formed enough for a stack to start reading it. */
export function dtlsClientHello(): Buffer {
  const body = Buffer.concat([
    Buffer.from([0xfe, 0xfd]),
    randomBytes(32),
    Buffer.from([0, 0]), // session id, cookie: empty
    Buffer.from([0, 2, 0xc0, 0x2b, 1, 0]), // one suite, null compression
  ]);
  const handshake = Buffer.alloc(12);
  handshake[0] = 1;
  handshake.writeUIntBE(body.length, 1, 3);
  handshake.writeUIntBE(body.length, 9, 3);
  const record = Buffer.alloc(13);
  record[0] = 22;
  record.writeUInt16BE(0xfeff, 1);
  record.writeUInt16BE(handshake.length + body.length, 11);
  return Buffer.concat([record, handshake, body]);
}

/** A DTLS application-data record (what SRTP keying never produces) from a stranger. */
export function dtlsRecord(): Buffer {
  const payload = randomBytes(64);
  const record = Buffer.alloc(13);
  record[0] = 23;
  record.writeUInt16BE(0xfefd, 1);
  record.writeUInt16BE(1, 3);
  record.writeUInt16BE(payload.length, 11);
  return Buffer.concat([record, payload]);
}

/** The sender: a thread of its own, as an attacker is another machine (its cost is not the server's). */
const SENDER = `
const { parentPort, workerData } = require('node:worker_threads');
const { createSocket } = require('node:dgram');
const { from, address, port, data, ends } = workerData;
const socket = createSocket('udp4');
socket.bind(0, from, async () => {
  const bytes = new Uint8Array(data);
  for (let i = 0; i < ends.length; i += 200) {
    const burst = [];
    for (let j = i; j < Math.min(i + 200, ends.length); j++) {
      const packet = bytes.subarray(j === 0 ? 0 : ends[j - 1], ends[j]);
      burst.push(new Promise((resolve) => socket.send(packet, port, address, () => resolve())));
    }
    await Promise.all(burst);
    await new Promise((resolve) => setImmediate(resolve));
  }
  socket.close(() => parentPort.postMessage('done'));
});
`;

/** Sends `count` packets made by `make` to `port` from another thread, a burst at a time. */
export async function blast(
  from: string,
  address: string,
  port: number,
  count: number,
  make: (i: number) => Buffer,
): Promise<void> {
  const packets = Array.from({ length: count }, (_, i) => make(i));
  const ends: number[] = [];
  let end = 0;
  for (const p of packets) {
    end += p.length;
    ends.push(end);
  }
  const data = new ArrayBuffer(end);
  const bytes = new Uint8Array(data);
  for (const [i, p] of packets.entries()) bytes.set(p, i === 0 ? 0 : (ends[i - 1] as number));
  const worker = new Worker(SENDER, {
    eval: true,
    workerData: { from, address, port, data, ends },
    transferList: [data],
  });
  try {
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
    });
  } finally {
    await worker.terminate();
  }
}

/** Whether every port of the range binds (nothing left holding one); tries again while not. */
export async function rangeFree(address: string, [lo, hi]: readonly [number, number]): Promise<number[]> {
  const busy: number[] = [];
  for (let port = lo; port <= hi; port++) {
    const socket = createSocket('udp4');
    const ok = await new Promise<boolean>((resolve) => {
      socket.once('error', () => resolve(false));
      socket.bind(port, address, () => resolve(true));
    });
    if (!ok) busy.push(port);
    await new Promise<void>((resolve) => socket.close(() => resolve()));
  }
  return busy;
}

/** A small seeded generator (mulberry32), so a failing mutation can be replayed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NASTY = ['', '-1', '99999999999999999999', 'a=', '\u0000', '%s%n', ' ', 'ÿþ', '0'.repeat(300), 'm=audio'];

/** One random mutation of an SDP: lines dropped, doubled, swapped, cut, or bytes and numbers replaced. */
export function mutate(sdp: string, random: () => number): string {
  const lines = sdp.split('\r\n');
  const pick = () => Math.floor(random() * lines.length);
  const nasty = () => NASTY[Math.floor(random() * NASTY.length)] as string;
  const times = 1 + Math.floor(random() * 3);
  for (let n = 0; n < times; n++) {
    const i = pick();
    const line = lines[i] ?? '';
    switch (Math.floor(random() * 8)) {
      case 0:
        lines.splice(i, 1);
        break;
      case 1:
        lines.splice(i, 0, line);
        break;
      case 2: {
        const j = pick();
        lines[i] = lines[j] ?? '';
        lines[j] = line;
        break;
      }
      case 3:
        lines[i] = line.slice(0, Math.floor(random() * line.length));
        break;
      case 4:
        lines[i] = line.replace(/\d+/, nasty());
        break;
      case 5: {
        const at = Math.floor(random() * line.length);
        lines[i] = line.slice(0, at) + String.fromCharCode(Math.floor(random() * 0x3000)) + line.slice(at + 1);
        break;
      }
      case 6:
        lines[i] = `${line.split(/[: ]/)[0] ?? 'a'}:${nasty()}`;
        break;
      default:
        return lines.join('\r\n').slice(0, Math.floor(random() * sdp.length));
    }
  }
  return lines.join('\r\n');
}
