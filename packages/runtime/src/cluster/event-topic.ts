/**
 * What a node heard of one account's event topic (cluster/event-relay.ts), in the order heard:
 * the latest `maxEvents`, for `windowMs`, findable by id (ids of several nodes, so by position,
 * not by sequence).
 */
import type { LogEntry } from '../api/event-log.js';
import type { Clock } from '../clock/clock.js';

export class TopicLog {
  /** Kept entries from `head`; those before it were let go (compacted now and then). */
  private entries: LogEntry[] = [];
  private head = 0;
  /** Where each kept entry is, counted from the first entry ever heard. */
  private readonly index = new Map<string, number>();
  /** How many entries were removed from the front of `entries` by compacting. */
  private dropped = 0;

  constructor(
    private readonly clock: Clock,
    private readonly maxEvents: number,
    private readonly windowMs: number,
  ) {}

  add(entry: LogEntry): void {
    if (this.index.has(entry.id)) return;
    this.index.set(entry.id, this.dropped + this.entries.length);
    this.entries.push(entry);
    this.trim();
  }

  /** The entries heard after `id`, or undefined when `id` is not kept here. */
  after(id: string): LogEntry[] | undefined {
    this.trim();
    const at = this.index.get(id);
    return at === undefined ? undefined : this.entries.slice(at - this.dropped + 1);
  }

  all(): LogEntry[] {
    this.trim();
    return this.entries.slice(this.head);
  }

  last(): LogEntry | undefined {
    return this.entries.length > this.head ? this.entries.at(-1) : undefined;
  }

  private trim(): void {
    const oldest = this.clock.now() - this.windowMs;
    const { entries } = this;
    while (
      this.head < entries.length &&
      (entries.length - this.head > this.maxEvents || (entries[this.head] as LogEntry).at < oldest)
    )
      this.index.delete((entries[this.head++] as LogEntry).id);
    if (this.head > 1024 && this.head * 2 > entries.length) {
      this.entries = entries.slice(this.head);
      this.dropped += this.head;
      this.head = 0;
    }
  }
}
