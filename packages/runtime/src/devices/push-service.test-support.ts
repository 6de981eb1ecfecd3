/**
 * A push service on loopback implementing the receiving side of Web Push, for wake-up tests:
 * RFC 8030 (POST to a subscription's endpoint, `TTL` required, `Urgency` checked, 201 with a
 * `Location`), RFC 8292 (the VAPID JWT: ES256 over the `k` key, the endpoint's origin as `aud`,
 * `exp` within 24 hours, a `mailto:`/`https:` `sub`), and RFC 8291 decryption of the aes128gcm
 * body (RFC 8188) with its own code on node:crypto (ECDH P-256, HKDF by HMAC-SHA-256,
 * AES-128-GCM), independent of the sending library, so the encryption is checked for real.
 */
import {
  createDecipheriv,
  createECDH,
  createHmac,
  createPublicKey,
  randomBytes,
  randomUUID,
  verify,
} from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PushSubscription {
  readonly endpoint: string;
  readonly keys: { readonly p256dh: string; readonly auth: string };
}

export interface ReceivedPush {
  readonly subscription: string;
  readonly ttl: number;
  readonly urgency: string;
  readonly vapid: { readonly aud: string; readonly sub: string; readonly exp: number; readonly publicKey: string };
  /** The decrypted payload. */
  readonly payload: string;
}

interface Subscriber {
  readonly ecdh: ReturnType<typeof createECDH>;
  readonly auth: Buffer;
  gone: boolean;
}

const hmac = (key: Buffer, ...data: Buffer[]) => createHmac('sha256', key).update(Buffer.concat(data)).digest();
const ONE = Buffer.from([1]);
const URGENCIES = new Set(['very-low', 'low', 'normal', 'high']);

/** RFC 8291 section 3.4 and RFC 8188: the plaintext of one aes128gcm body. */
export function decryptAes128gcm(body: Buffer, ecdh: ReturnType<typeof createECDH>, auth: Buffer): string {
  const salt = body.subarray(0, 16);
  const recordSize = body.readUInt32BE(16);
  const idLength = body[20] as number;
  const senderPublic = body.subarray(21, 21 + idLength);
  const records = body.subarray(21 + idLength);
  if (records.length > recordSize) throw new Error('more than one record');
  const ecdhSecret = ecdh.computeSecret(senderPublic);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), ecdh.getPublicKey(), senderPublic]);
  const ikm = hmac(hmac(auth, ecdhSecret), keyInfo, ONE);
  const prk = hmac(salt, ikm);
  const cek = hmac(prk, Buffer.from('Content-Encoding: aes128gcm\0'), ONE).subarray(0, 16);
  const nonce = hmac(prk, Buffer.from('Content-Encoding: nonce\0'), ONE).subarray(0, 12);
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(records.subarray(records.length - 16));
  const padded = Buffer.concat([decipher.update(records.subarray(0, records.length - 16)), decipher.final()]);
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (padded[end] !== 2) throw new Error('the last record does not end with the 0x02 delimiter');
  return padded.subarray(0, end).toString('utf8');
}

/** RFC 8292: the claims of a valid `vapid t=..., k=...` header, or why it is not valid. */
function checkVapid(header: string | undefined, origin: string): ReceivedPush['vapid'] | string {
  const match = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(header ?? '');
  if (!match) return 'no vapid authorization';
  const [token, key] = [match[1] as string, match[2] as string];
  const [head = '', claims = '', signature = ''] = token.split('.');
  const point = Buffer.from(key, 'base64url');
  if (point.length !== 65 || point[0] !== 4) return 'k is not an uncompressed P-256 point';
  const publicKey = createPublicKey({
    key: {
      kty: 'EC',
      crv: 'P-256',
      x: point.subarray(1, 33).toString('base64url'),
      y: point.subarray(33).toString('base64url'),
    },
    format: 'jwk',
  });
  const signed = verify(
    'sha256',
    Buffer.from(`${head}.${claims}`),
    { key: publicKey, dsaEncoding: 'ieee-p1363' },
    Buffer.from(signature, 'base64url'),
  );
  if (!signed) return 'the JWT signature does not verify';
  if (JSON.parse(Buffer.from(head, 'base64url').toString()).alg !== 'ES256') return 'not ES256';
  const payload = JSON.parse(Buffer.from(claims, 'base64url').toString()) as {
    aud?: string;
    sub?: string;
    exp?: number;
  };
  const now = Date.now() / 1000;
  if (payload.aud !== origin) return `aud ${payload.aud} is not ${origin}`;
  if (!payload.exp || payload.exp < now || payload.exp > now + 86_400) return 'exp is not within 24 hours';
  if (!/^(mailto:|https:)/.test(payload.sub ?? '')) return 'sub is not a mailto: or https: URL';
  return { aud: payload.aud, sub: payload.sub as string, exp: payload.exp, publicKey: key };
}

export class LoopbackPushService {
  readonly received: ReceivedPush[] = [];
  readonly refusals: string[] = [];
  private readonly subscribers = new Map<string, Subscriber>();
  private readonly waiting = new Set<(push: ReceivedPush) => void>();
  private readonly server = createServer((req, res) => void this.handle(req, res));
  origin = '';

  static async start(): Promise<LoopbackPushService> {
    const service = new LoopbackPushService();
    await new Promise<void>((resolve) => service.server.listen(0, '127.0.0.1', resolve));
    service.origin = `http://127.0.0.1:${(service.server.address() as AddressInfo).port}`;
    return service;
  }

  /** A new subscription, as a browser's `pushManager.subscribe()` would give it. */
  subscribe(): PushSubscription {
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    const id = randomUUID();
    const auth = randomBytes(16);
    this.subscribers.set(id, { ecdh, auth, gone: false });
    return {
      endpoint: `${this.origin}/push/${id}`,
      keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: auth.toString('base64url') },
    };
  }

  /** The subscription is unsubscribed: its endpoint answers 410 Gone from now on. */
  unsubscribe(subscription: PushSubscription): void {
    const subscriber = this.subscribers.get(subscription.endpoint.split('/').pop() ?? '');
    if (subscriber) subscriber.gone = true;
  }

  next(): Promise<ReceivedPush> {
    return new Promise((resolve) => {
      const deliver = (push: ReceivedPush) => {
        this.waiting.delete(deliver);
        resolve(push);
      };
      this.waiting.add(deliver);
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const refuse = (status: number, why: string) => {
      this.refusals.push(why);
      res.writeHead(status, { 'content-type': 'text/plain' }).end(why);
    };
    const id = /^\/push\/([0-9a-f-]{36})$/.exec(req.url ?? '')?.[1];
    const subscriber = id ? this.subscribers.get(id) : undefined;
    if (req.method !== 'POST' || !id || !subscriber) return refuse(404, 'no such subscription');
    if (subscriber.gone) return refuse(410, 'unsubscribed');
    const ttl = Number(req.headers.ttl);
    if (req.headers.ttl === undefined || !Number.isInteger(ttl) || ttl < 0) return refuse(400, 'TTL is required');
    const urgency = String(req.headers.urgency ?? 'normal');
    if (!URGENCIES.has(urgency)) return refuse(400, `bad Urgency ${urgency}`);
    const vapid = checkVapid(req.headers.authorization, this.origin);
    if (typeof vapid === 'string') return refuse(403, vapid);
    if (req.headers['content-encoding'] !== 'aes128gcm') return refuse(415, 'only aes128gcm');
    let payload: string;
    try {
      payload = decryptAes128gcm(Buffer.concat(chunks), subscriber.ecdh, subscriber.auth);
    } catch (error) {
      return refuse(400, `does not decrypt: ${String(error)}`);
    }
    const push = { subscription: id, ttl, urgency, vapid, payload };
    this.received.push(push);
    res.writeHead(201, { location: `${this.origin}/messages/${randomUUID()}` }).end();
    for (const deliver of [...this.waiting]) deliver(push);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
