/**
 * Simulated phones for device tests: a phone number on the simulated network whose texts go to
 * Patchbay as inbound messages (routed by number, as a carrier's would be) and which reads the
 * texts Patchbay sends it. It is the `SmsPort` the SDK's `Registration` runs on.
 */
import type { SmsPort, SmsText } from '@patchbay/sdk';
import type { ApiHarness } from '../api/harness.test-support.js';
import type { MessageRecord } from '../messaging/types.js';

export class SimulatedPhone implements SmsPort {
  /** Every text this phone received, in order. */
  readonly inbox: SmsText[] = [];
  private readonly waiting = new Set<(text: SmsText) => void>();
  private readonly seen = new Set<string>();
  private readonly listener = (message: MessageRecord) => {
    if (message.to !== this.number || message.direction === 'inbound' || this.seen.has(message.sid)) return;
    this.seen.add(message.sid);
    const text = { from: message.from, body: message.body };
    this.inbox.push(text);
    for (const deliver of [...this.waiting]) deliver(text);
  };

  constructor(
    private readonly harness: ApiHarness,
    readonly number: string,
  ) {
    harness.runtime.events.on('message.updated', this.listener);
  }

  async send(to: string, body: string): Promise<void> {
    const result = await this.harness.runtime.messages.receive({ from: this.number, to, body });
    if (!result) throw new Error(`nothing answers ${to}`);
    if (result.error) throw result.error;
  }

  next(match: (text: SmsText) => boolean, signal: AbortSignal): Promise<SmsText> {
    return new Promise((resolve, reject) => {
      const deliver = (text: SmsText) => {
        if (!match(text)) return;
        this.waiting.delete(deliver);
        resolve(text);
      };
      this.waiting.add(deliver);
      signal.addEventListener('abort', () => {
        this.waiting.delete(deliver);
        reject(signal.reason);
      });
    });
  }

  /** The next text from `from` (or any), as it arrives. */
  receive(from?: string): Promise<SmsText> {
    return this.next((text) => from === undefined || text.from === from, AbortSignal.timeout(10_000));
  }

  close(): void {
    this.harness.runtime.events.off('message.updated', this.listener);
  }
}
