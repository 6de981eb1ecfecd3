/**
 * Framing SIP over a byte stream (TCP, TLS; RFC 3261 §18.3): a message ends Content-Length bytes
 * after its blank line. Bytes are buffered up to a bound, so a peer that never finishes a message
 * cannot grow memory; CRLF keep-alives between messages are skipped (RFC 5626 §3.5.1).
 *
 * @example
 * const framer = new StreamFramer(65536);
 * socket.on('data', (chunk) => { for (const msg of framer.push(chunk)) handle(msg) });
 */
import { SipParseError } from './errors.js';
import { findHeaderEnd } from './message.js';

export class StreamFramer {
  private buffer: Buffer = Buffer.alloc(0);

  constructor(private readonly maxBytes: number) {}

  /** Adds bytes and returns every complete message; throws `SipParseError` when the stream is unusable. */
  push(chunk: Buffer): Buffer[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const out: Buffer[] = [];
    for (;;) {
      let start = 0;
      while (start < this.buffer.length && (this.buffer[start] === 0x0d || this.buffer[start] === 0x0a)) start++;
      if (start > 0) this.buffer = this.buffer.subarray(start);
      const end = findHeaderEnd(this.buffer);
      if (!end) {
        if (this.buffer.length > this.maxBytes)
          throw new SipParseError('sip-too-large', `header section over ${this.maxBytes} bytes`, 'stream');
        break;
      }
      const head = this.buffer.toString('latin1', 0, end.end);
      const m = /(?:^|\n)\s*(?:content-length|l)\s*:\s*(\d{1,9})\s*(?:\r?\n|$)/i.exec(head);
      const length = m?.[1] ? Number(m[1]) : 0;
      const total = end.end + end.sep + length;
      if (total > this.maxBytes) throw new SipParseError('sip-too-large', `message of ${total} bytes`, 'stream');
      if (this.buffer.length < total) break;
      out.push(Buffer.from(this.buffer.subarray(0, total)));
      this.buffer = this.buffer.subarray(total);
    }
    return out;
  }
}
