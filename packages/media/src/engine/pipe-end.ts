/**
 * The main thread's end of an external leg's packet pipe (`openLeg({ external: true })`): a
 * transport hands the leg the RTP it decrypted and gets back what the leg sends, through one
 * MessagePort per leg. Packets cross as transferred Uint8Arrays, copied once.
 *
 * @example
 * const leg = await engine.openLeg({ external: true });
 * leg.pipe?.onSend((rtp) => track.send(rtp));
 * track.onRtp((rtp) => leg.pipe?.receive(rtp));
 */
import type { MessagePort } from 'node:worker_threads';
import type { LegPipe } from './leg.js';

export class PipeEnd implements LegPipe {
  #closed = false;
  constructor(readonly port: MessagePort) {
    port.unref();
  }

  receive(packet: Uint8Array): void {
    if (this.#closed) return;
    const copy = packet.slice();
    this.port.postMessage(copy, [copy.buffer]);
  }

  onSend(listener: (packet: Uint8Array) => void): void {
    this.port.on('message', listener);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.port.removeAllListeners('message');
    this.port.close();
  }
}
