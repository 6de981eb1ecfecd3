/**
 * The UAS side of a 2xx to INVITE (RFC 3261 §13.3.1.4): the transaction layer does not
 * retransmit it, so the dialog does, at T1 doubling to T2 on UDP, until the ACK with the same
 * CSeq arrives; after 64*T1 without one the wait fails and the dialog hangs up.
 *
 * @example
 * const acks = new AckWait(core);
 * await acks.send(tx, ok200); // resolves on acks.acked(seq)
 */
import type { SipCore } from './core.js';
import { SipError } from './errors.js';
import { cseqOf, type SipResponse } from './message.js';
import type { ServerTransaction } from './server-transaction.js';

export class AckWait {
  private readonly waiting = new Map<number, { acked(): void; closed(): void }>();

  constructor(private readonly core: SipCore) {}

  send(tx: ServerTransaction, response: SipResponse): Promise<void> {
    const seq = cseqOf(response).seq;
    const { t1Ms, t2Ms } = this.core.options.config;
    tx.respond(response);
    return new Promise<void>((resolve, reject) => {
      let cancelRetransmit: () => void = () => {};
      const retransmit = (interval: number) => {
        if (tx.source.transport !== 'udp') return;
        cancelRetransmit = this.core.timers.setTimer(() => {
          this.core.ctx.respond(response, tx.source);
          retransmit(Math.min(interval * 2, t2Ms));
        }, interval);
      };
      retransmit(t1Ms);
      const cancelGiveUp = this.core.timers.setTimer(() => {
        stop();
        reject(new SipError('sip-timeout', `no ACK for 2xx in ${64 * t1Ms} ms`, 'dialog.answer'));
      }, 64 * t1Ms);
      const stop = () => {
        this.waiting.delete(seq);
        cancelRetransmit();
        cancelGiveUp();
      };
      this.waiting.set(seq, {
        acked: () => {
          stop();
          resolve();
        },
        closed: () => {
          stop();
          reject(new SipError('sip-closed', 'dialog closed before the ACK', 'dialog.answer'));
        },
      });
    });
  }

  /** The ACK for CSeq `seq` arrived. */
  acked(seq: number): void {
    this.waiting.get(seq)?.acked();
  }

  /** The dialog ended: every wait fails with 'sip-closed'. */
  closeAll(): void {
    for (const w of [...this.waiting.values()]) w.closed();
  }
}
