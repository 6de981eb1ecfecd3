/**
 * Netstrings (`<length>:<bytes>,`), the framing of baresip's ctrl_tcp: one JSON message each.
 * The reader takes TCP chunks as they come and yields whole messages; it refuses a declared
 * length over its bound or a frame without its trailing comma, so a confused peer cannot make
 * the test process buffer without limit.
 *
 * @example
 * socket.write(encodeNetstring(JSON.stringify({ command: 'dial', params: uri, token: '1' })));
 * socket.on('data', (chunk) => { for (const text of reader.push(chunk)) handle(JSON.parse(text)); });
 */
import { PeerError } from './errors.js';

/** Largest message accepted (baresip's longest, the help text, is about 2 KB). */
export const MAX_NETSTRING_BYTES = 1024 * 1024;

export function encodeNetstring(text: string): Buffer {
  const body = Buffer.from(text, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length}:`), body, Buffer.from(',')]);
}

export class NetstringReader {
  #buffer: Buffer = Buffer.alloc(0);

  constructor(
    readonly where = 'netstring',
    readonly maxBytes = MAX_NETSTRING_BYTES,
  ) {}

  /** Appends a chunk and returns the messages it completed, in order. */
  push(chunk: Buffer): string[] {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    const messages: string[] = [];
    for (;;) {
      const colon = this.#buffer.indexOf(0x3a);
      if (colon < 0) {
        if (this.#buffer.length > 10) this.#fail('no length prefix');
        break;
      }
      const digits = this.#buffer.subarray(0, colon).toString('latin1');
      if (!/^\d{1,10}$/.test(digits)) this.#fail(`bad length ${JSON.stringify(digits.slice(0, 12))}`);
      const length = Number(digits);
      if (length > this.maxBytes) this.#fail(`message of ${length} bytes (limit ${this.maxBytes})`);
      const end = colon + 1 + length;
      if (this.#buffer.length < end + 1) break;
      if (this.#buffer[end] !== 0x2c) this.#fail('missing trailing comma');
      messages.push(this.#buffer.subarray(colon + 1, end).toString('utf8'));
      this.#buffer = this.#buffer.subarray(end + 1);
    }
    return messages;
  }

  #fail(message: string): never {
    this.#buffer = Buffer.alloc(0);
    throw new PeerError('PEER_COMMAND', `malformed netstring: ${message}`, this.where);
  }
}
