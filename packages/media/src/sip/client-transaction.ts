/**
 * Client transactions (RFC 3261 §17.1, with RFC 6026's Accepted state): the INVITE machine
 * (timers A, B, D; ACK for non-2xx finals) and the non-INVITE machine (timers E, F, K).
 * Retransmissions happen only on unreliable transports. Pure state and timers: sending goes
 * through the context, so tests run it on `VirtualTimers` with a recording `send`.
 *
 * @example
 * const tx = new ClientTransaction(ctx, invite, dest, { onResponse, onTimeout });
 * tx.start();            // sends, arms A and B
 * tx.receive(response);  // from the agent, matched by branch and method
 */
import { SipHeaders } from './headers.js';
import { cseqOf, type SipRequest, type SipResponse } from './message.js';
import type { TimerConfig, Timers } from './timers.js';
import type { Destination } from './transport.js';

export interface TransactionContext {
  timers: Timers;
  config: TimerConfig;
  send(message: SipRequest | SipResponse, dest: Destination, onError?: () => void): void;
}

export interface ClientHandlers {
  /** Every response the TU should see (1xx, the first final, 2xx retransmissions). */
  onResponse(response: SipResponse): void;
  /** Timer B or F fired: no final response. */
  onTimeout(): void;
  /** The request could not be sent (connection refused, TLS failure); without it, `onTimeout`. */
  onTransportError?(): void;
  onTerminated?(): void;
}

type ClientState = 'calling' | 'trying' | 'proceeding' | 'completed' | 'accepted' | 'terminated';

export class ClientTransaction {
  state: ClientState;
  private readonly cancels: Array<() => void> = [];
  private retransmitTimer: (() => void) | undefined;
  private readonly reliable: boolean;
  readonly isInvite: boolean;

  constructor(
    private readonly ctx: TransactionContext,
    readonly request: SipRequest,
    readonly dest: Destination,
    private readonly handlers: ClientHandlers,
  ) {
    this.isInvite = request.method === 'INVITE';
    this.state = this.isInvite ? 'calling' : 'trying';
    this.reliable = dest.transport !== 'udp';
  }

  start(): void {
    const { t1Ms } = this.ctx.config;
    this.ctx.send(this.request, this.dest, () => {
      if (this.state !== 'calling' && this.state !== 'trying' && this.state !== 'proceeding') return;
      this.terminate();
      (this.handlers.onTransportError ?? this.handlers.onTimeout)();
    });
    if (!this.reliable) this.armRetransmit(t1Ms);
    this.after(64 * t1Ms, () => {
      if (this.state === 'calling' || this.state === 'trying' || this.state === 'proceeding') {
        this.terminate();
        this.handlers.onTimeout();
      }
    });
  }

  /** Timer A (INVITE: doubles without bound) or E (non-INVITE: doubles up to T2, T2 once proceeding). */
  private armRetransmit(interval: number): void {
    this.retransmitTimer = this.ctx.timers.setTimer(() => {
      const retrying =
        this.state === 'calling' || this.state === 'trying' || (!this.isInvite && this.state === 'proceeding');
      if (!retrying) return;
      this.ctx.send(this.request, this.dest);
      const { t2Ms } = this.ctx.config;
      const next = this.isInvite ? interval * 2 : this.state === 'proceeding' ? t2Ms : Math.min(interval * 2, t2Ms);
      this.armRetransmit(next);
    }, interval);
  }

  receive(response: SipResponse): void {
    const s = response.status;
    switch (this.state) {
      case 'calling':
      case 'trying':
      case 'proceeding':
        if (s < 200) {
          if (this.isInvite) this.stopRetransmit();
          this.state = 'proceeding';
          this.handlers.onResponse(response);
          return;
        }
        this.stopRetransmit();
        if (this.isInvite && s < 300) {
          this.state = 'accepted';
          this.after(64 * this.ctx.config.t1Ms, () => this.terminate());
        } else if (this.isInvite) {
          this.state = 'completed';
          this.ctx.send(this.ackFor(response), this.dest);
          this.after(this.reliable ? 0 : 64 * this.ctx.config.t1Ms, () => this.terminate());
        } else {
          this.state = 'completed';
          this.after(this.reliable ? 0 : this.ctx.config.t4Ms, () => this.terminate());
        }
        this.handlers.onResponse(response);
        return;
      case 'completed':
        if (this.isInvite && s >= 300) this.ctx.send(this.ackFor(response), this.dest);
        return;
      case 'accepted':
        if (s >= 200 && s < 300) this.handlers.onResponse(response);
        return;
      case 'terminated':
        return;
    }
  }

  /** The ACK for a non-2xx final (§17.1.1.3): same branch, To from the response. */
  private ackFor(response: SipResponse): SipRequest {
    const h = new SipHeaders();
    h.set('via', this.request.headers.get('via') ?? '');
    h.set('max-forwards', '70');
    h.set('from', this.request.headers.get('from') ?? '');
    h.set('to', response.headers.get('to') ?? '');
    h.set('call-id', this.request.headers.get('call-id') ?? '');
    h.set('cseq', `${cseqOf(this.request).seq} ACK`);
    const routes = this.request.headers.getAll('route');
    if (routes.length > 0) h.set('route', routes);
    return { kind: 'request', method: 'ACK', uri: this.request.uri, headers: h, body: '' };
  }

  private after(ms: number, fn: () => void): void {
    this.cancels.push(this.ctx.timers.setTimer(fn, ms));
  }

  private stopRetransmit(): void {
    this.retransmitTimer?.();
    this.retransmitTimer = undefined;
  }

  terminate(): void {
    if (this.state === 'terminated') return;
    this.state = 'terminated';
    this.stopRetransmit();
    for (const c of this.cancels) c();
    this.handlers.onTerminated?.();
  }
}
