/**
 * Concurrent requests for the same thing (one prompt URL, one Say text) share one piece of work.
 * Each caller keeps its own AbortSignal: an aborted caller stops waiting at once (rejecting with
 * its signal's reason), and the shared work is aborted only when every caller has left.
 *
 * @example
 * const flights = new SingleFlight<string, Int16Array>();
 * const audio = await flights.run(url, signal, (shared) => download(url, shared));
 */
interface Flight<V> {
  readonly promise: Promise<V>;
  readonly controller: AbortController;
  waiters: number;
}

export class SingleFlight<K, V> {
  private readonly flights = new Map<K, Flight<V>>();

  /** Runs `task` for `key` unless it is already running, and waits for it (or for `signal`). */
  run(key: K, signal: AbortSignal, task: (signal: AbortSignal) => Promise<V>): Promise<V> {
    if (signal.aborted) return Promise.reject(signal.reason);
    let flight = this.flights.get(key);
    if (!flight) {
      const controller = new AbortController();
      const started: Flight<V> = {
        promise: Promise.resolve()
          .then(() => task(controller.signal))
          .finally(() => {
            if (this.flights.get(key) === started) this.flights.delete(key);
          }),
        controller,
        waiters: 0,
      };
      started.promise.catch(() => undefined);
      this.flights.set(key, started);
      flight = started;
    }
    const joined = flight;
    joined.waiters++;
    return new Promise<V>((resolve, reject) => {
      let done = false;
      const leave = () => {
        done = true;
        signal.removeEventListener('abort', onAbort);
        joined.waiters--;
      };
      const onAbort = () => {
        if (done) return;
        leave();
        reject(signal.reason);
        if (joined.waiters === 0) {
          if (this.flights.get(key) === joined) this.flights.delete(key);
          joined.controller.abort(signal.reason);
        }
      };
      signal.addEventListener('abort', onAbort, { once: true });
      joined.promise.then(
        (value) => {
          if (done) return;
          leave();
          resolve(value);
        },
        (error: unknown) => {
          if (done) return;
          leave();
          reject(error);
        },
      );
    });
  }

  /** Keys with work running now. */
  get running(): number {
    return this.flights.size;
  }
}
