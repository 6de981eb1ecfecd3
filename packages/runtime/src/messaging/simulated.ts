/**
 * Simulated messaging: sent messages are kept in `outbox` (the most recent `keep`), and walks through sending ->
 * sent -> delivered on the clock; numbers can be made to fail (30003 unreachable, 30005 unknown).
 */
import type { Clock } from '../clock/clock.js';
import { systemClock } from '../clock/clock.js';
import type { MessageStatus, MessagingAdapter, OutgoingMessage } from './types.js';

export interface SimulatedMessagingOptions {
  /** @default systemClock */
  readonly clock?: Clock;
  /** Time between status changes. @default 500 */
  readonly stepMs?: number;
  /** Sent messages kept in `outbox` (the most recent). @default 1000 */
  readonly keep?: number;
}

export class SimulatedMessaging implements MessagingAdapter {
  readonly name = 'simulated';
  readonly outbox: OutgoingMessage[] = [];
  private readonly failing = new Map<string, number>();
  private readonly clock: Clock;
  private readonly stepMs: number;
  private readonly keep: number;

  constructor(options: SimulatedMessagingOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.stepMs = options.stepMs ?? 500;
    this.keep = options.keep ?? 1000;
  }

  /** Messages to `number` end undelivered with `errorCode`. @default 30003 */
  fail(number: string, errorCode = 30003): void {
    this.failing.set(number, errorCode);
  }

  send(message: OutgoingMessage, onStatus: (status: MessageStatus, errorCode?: number) => void): void {
    this.outbox.push(message);
    if (this.outbox.length > this.keep) this.outbox.splice(0, this.outbox.length - this.keep);
    const errorCode = this.failing.get(message.to);
    const steps: Array<[MessageStatus, number?]> =
      errorCode === undefined
        ? [['sending'], ['sent'], ['delivered']]
        : [['sending'], ['sent'], ['undelivered', errorCode]];
    steps.forEach(([status, code], index) => {
      this.clock.setTimer(() => onStatus(status, code), this.stepMs * index);
    });
  }
}
