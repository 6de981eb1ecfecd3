/**
 * Group commit: writes made in one turn of the event loop share one transaction, committed on
 * the next `setImmediate` (or earlier, by `flush()`, which reads call first so they see every
 * write made before them). A write's promise settles once its transaction is committed, so what
 * a caller awaited is on disk. One autocommit per write costs several times as much under load.
 */
interface PendingWrite {
  run(): unknown;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

export class GroupCommit {
  private pending: PendingWrite[] = [];
  private scheduled = false;

  /**
   * @param transaction runs `work` in one transaction (and throws if the commit fails)
   * @param open whether the transaction is still open: SQLite rolls the whole transaction back
   *   on some errors of one statement (SQLITE_FULL, SQLITE_IOERR), which then fail every write
   */
  constructor(
    private readonly transaction: (work: () => void) => void,
    private readonly open: () => boolean = () => true,
  ) {}

  write<T>(run: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ run, resolve: resolve as (value: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits what is pending now. */
  flush(): void {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    // A write that throws fails alone; a commit that fails fails them all.
    const outcomes: Array<() => void> = [];
    try {
      this.transaction(() => {
        for (const write of batch) {
          try {
            const value = write.run();
            outcomes.push(() => write.resolve(value));
          } catch (error) {
            if (!this.open()) throw error;
            outcomes.push(() => write.reject(error));
          }
        }
      });
    } catch (error) {
      for (const write of batch) write.reject(error);
      return;
    }
    for (const settle of outcomes) settle();
  }
}
