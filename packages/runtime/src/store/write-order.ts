/**
 * Write order for a store whose writes run on a pool of connections: the writes of one record
 * run one after the other in the order they were made (a delete made before an update is
 * committed before that update reads), and a read waits for the writes made before it (of its
 * record, or all of them for lists and searches). Writes of different records run concurrently.
 *
 * @example
 * const order = new WriteOrder();
 * order.write('call:CA1', () => insert(...));
 * await order.before('call:CA1'); // the insert has committed (or failed)
 */
export class WriteOrder {
  private readonly tails = new Map<string, Promise<void>>();
  private readonly pending = new Set<Promise<void>>();

  /**
   * Runs `work` after the writes of `key` made so far, and after those of each of `after` (other
   * records it must not overtake: a call's record waits for its outbox entries queued before it).
   */
  write<T>(key: string, work: () => Promise<T>, after: readonly string[] = []): Promise<T> {
    const tails = [key, ...after].flatMap((name) => this.tails.get(name) ?? []);
    const before = tails.length > 1 ? Promise.all(tails) : tails[0];
    const result = before ? before.then(work) : work();
    const settled = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, settled);
    this.pending.add(settled);
    void settled.then(() => {
      this.pending.delete(settled);
      if (this.tails.get(key) === settled) this.tails.delete(key);
    });
    return result;
  }

  /** Resolves once the writes of `key` made so far have settled. */
  before(key: string): Promise<void> {
    return this.tails.get(key) ?? Promise.resolve();
  }

  /** Resolves once every write made so far has settled. */
  async all(): Promise<void> {
    if (this.pending.size > 0) await Promise.all([...this.pending]);
  }
}
