/**
 * An external leg's packet I/O: instead of binding UDP sockets, the leg reads and writes plain
 * RTP through a MessagePort whose other end a transport holds (a WebRTC stack on the main thread
 * decrypts SRTP and feeds the port; it encrypts what comes back). The frame clock, jitter buffer,
 * DTMF, rooms and every operation stay in the worker exactly as for a SIP leg: only where the
 * datagrams come from changes. RTCP stays with the transport (its stack reports on the SRTP
 * session), so the leg's own RTCP goes nowhere.
 *
 * @example
 * const leg = pipeLeg('leg-7', port, init, post, performance.now());
 */
import type { MessagePort } from 'node:worker_threads';
import { PIPE_SOURCE, type WorkerInit } from '../messages.js';
import { type PacketIo, type Post, WorkerLeg } from './leg.js';

/** The largest RTP packet accepted from a transport (an MTU). */
const MAX_PACKET = 1500;

class PortIo implements PacketIo {
  constructor(readonly port: MessagePort) {}
  send(buf: Uint8Array, offset: number, length: number): void {
    const copy = buf.slice(offset, offset + length);
    this.port.postMessage(copy, [copy.buffer]);
  }
  close(): void {
    this.port.close();
  }
}

const nowhere: PacketIo = { send() {}, close() {} };

export function pipeLeg(id: string, port: MessagePort, init: WorkerInit, post: Post, nowMs: number): WorkerLeg {
  const leg = new WorkerLeg(id, new PortIo(port), nowhere, post, init, nowMs);
  port.on('message', (data: unknown) => {
    if (!(data instanceof Uint8Array) || data.byteLength > MAX_PACKET) {
      leg.rx.dropped++;
      return;
    }
    leg.onRtp(data, PIPE_SOURCE.address, PIPE_SOURCE.port);
  });
  return leg;
}
