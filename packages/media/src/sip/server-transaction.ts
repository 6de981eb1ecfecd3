/**
 * Server transactions (RFC 3261 §17.2, with RFC 6026's Accepted state): the INVITE machine
 * (timers G, H, I; absorbs retransmitted INVITEs, resends the last response) and the non-INVITE
 * machine (timer J). A 2xx to INVITE leaves retransmission to the TU (the UAS core resends it
 * until the ACK arrives, §13.3.1.4), which is why the transaction only absorbs duplicates then.
 *
 * @example
 * const tx = new ServerTransaction(ctx, invite, source, { onTerminated });
 * tx.respond(buildResponse(invite, 486)); // G and H armed on UDP
 * tx.receiveAck();                       // confirmed, I armed
 */
import type { TransactionContext } from './client-transaction.js';
import type { SipRequest, SipResponse } from './message.js';
import type { Source } from './transport.js';

export interface ServerHandlers {
  onTerminated?(): void;
  /** Timer H fired: the final non-2xx response was never acknowledged. */
  onAckTimeout?(): void;
}

type ServerState = 'trying' | 'proceeding' | 'completed' | 'confirmed' | 'accepted' | 'terminated';

export interface ServerTransport extends TransactionContext {
  respond(response: SipResponse, source: Source): void;
}

export class ServerTransaction {
  state: ServerState;
  private last: SipResponse | undefined;
  private readonly cancels: Array<() => void> = [];
  private stopG: (() => void) | undefined;
  private readonly reliable: boolean;
  readonly isInvite: boolean;

  constructor(
    private readonly ctx: ServerTransport,
    readonly request: SipRequest,
    readonly source: Source,
    private readonly handlers: ServerHandlers = {},
  ) {
    this.isInvite = request.method === 'INVITE';
    this.state = this.isInvite ? 'proceeding' : 'trying';
    this.reliable = source.transport !== 'udp';
  }

  /** The final response sent, if any. */
  get finalResponse(): SipResponse | undefined {
    return this.last && this.last.status >= 200 ? this.last : undefined;
  }

  respond(response: SipResponse): void {
    if (this.state !== 'trying' && this.state !== 'proceeding') return;
    this.last = response;
    this.ctx.respond(response, this.source);
    const { t1Ms, t2Ms } = this.ctx.config;
    if (response.status < 200) {
      this.state = 'proceeding';
      return;
    }
    if (!this.isInvite) {
      this.state = 'completed';
      this.after(this.reliable ? 0 : 64 * t1Ms, () => this.terminate());
      return;
    }
    if (response.status < 300) {
      this.state = 'accepted';
      this.after(64 * t1Ms, () => this.terminate());
      return;
    }
    this.state = 'completed';
    if (!this.reliable) this.armG(t1Ms, t2Ms);
    this.after(64 * t1Ms, () => {
      if (this.state !== 'completed') return;
      this.terminate();
      this.handlers.onAckTimeout?.();
    });
  }

  private armG(interval: number, t2: number): void {
    this.stopG = this.ctx.timers.setTimer(() => {
      if (this.state !== 'completed' || !this.last) return;
      this.ctx.respond(this.last, this.source);
      this.armG(Math.min(interval * 2, t2), t2);
    }, interval);
  }

  /** The same request arrived again: resend the last response (§17.2.1, §17.2.2). */
  receiveRetransmission(): void {
    if ((this.state === 'proceeding' || this.state === 'completed') && this.last)
      this.ctx.respond(this.last, this.source);
  }

  /** An ACK matched this INVITE transaction (non-2xx final): stop G and H, wait I. */
  receiveAck(): void {
    if (this.state !== 'completed') return;
    this.state = 'confirmed';
    this.stopG?.();
    this.after(this.reliable ? 0 : this.ctx.config.t4Ms, () => this.terminate());
  }

  private after(ms: number, fn: () => void): void {
    this.cancels.push(this.ctx.timers.setTimer(fn, ms));
  }

  terminate(): void {
    if (this.state === 'terminated') return;
    this.state = 'terminated';
    this.stopG?.();
    for (const c of this.cancels) c();
    this.handlers.onTerminated?.();
  }
}
