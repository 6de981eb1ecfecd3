/**
 * Simulated messaging: every sent message is kept in `outbox`, and walks through sending ->
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
}

export class SimulatedMessaging implements MessagingAdapter {
  readonly name = 'simulated';
  readonly outbox: OutgoingMessage[] = [];
  private readonly failing = new Map<string, number>();
  private readonly clock: Clock;
  private readonly stepMs: number;

  constructor(options: SimulatedMessagingOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.stepMs = options.stepMs ?? 500;
  }

  /** Messages to `number` end undelivered with `errorCode`. @default 30003 */
  fail(number: string, errorCode = 30003): void {
    this.failing.set(number, errorCode);
  }

  send(message: OutgoingMessage, onStatus: (status: MessageStatus, errorCode?: number) => void): void {
    this.outbox.push(message);
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
