/**
 * One change at a time per key (a room, an account's rooms): a count checked before a write stays
 * true until the write lands, so two concurrent adds never pass a limit together. In-process:
 * one node owns the writes for a room (a cluster places a room on one node, issue 14).
 *
 * @example
 * const serial = new Serial();
 * await serial.run(room.sid, async () => { await checkLimit(); await store.put(...); });
 */
export class Serial {
  readonly #tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.catch(() => undefined);
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }
}
