/**
 * The main thread's side of one media worker: typed requests with replies, long operations
 * (play, record, ...) completed by `opDone`, and leg events routed to their legs. A worker that
 * dies fails everything pending on it with a typed error instead of leaving promises hanging.
 *
 * @example
 * const handle = await WorkerHandle.start(url, { index: 0, bindAddress, rtpTimeoutMs }, onEvent);
 * await handle.request({ t: 'openLeg', id: handle.nextId(), leg, port });
 */
import { type TransferListItem, Worker } from 'node:worker_threads';
import { EngineError } from './errors.js';
import type { FromWorker, LegEventMessage, RecordResult, ToWorker, WorkerInit } from './messages.js';

type Pending = { resolve: (value: unknown) => void; reject: (e: unknown) => void };

let sequence = 0;

export class WorkerHandle {
  readonly #requests = new Map<number, Pending>();
  readonly #ops = new Map<number, Pending>();
  #failed: EngineError | undefined;
  legs = 0;
  /** The worker's Linux thread id, once it reported ready (undefined off Linux). */
  thread: number | undefined;

  private constructor(
    readonly index: number,
    readonly worker: Worker,
    onEvent: (e: LegEventMessage) => void,
    onDeath: (handle: WorkerHandle) => void,
  ) {
    worker.on('message', (m: FromWorker) => {
      if (m.t === 'reply') {
        const p = this.#requests.get(m.id);
        this.#requests.delete(m.id);
        if (m.ok) p?.resolve(m.value);
        else
          p?.reject(
            new EngineError(m.code === 'port-in-use' ? 'bind-failed' : 'worker-failed', m.message, `worker ${index}`, {
              cause: m.code,
            }),
          );
      } else if (m.t === 'opDone') {
        const p = this.#ops.get(m.op);
        this.#ops.delete(m.op);
        p?.resolve(m.result);
      } else if (m.t === 'event') onEvent(m);
    });
    const die = (cause: unknown) => {
      if (!this.#failed) {
        this.#failed = new EngineError('worker-failed', 'media worker stopped', `worker ${index}`, { cause });
        onDeath(this);
      }
      for (const p of [...this.#requests.values(), ...this.#ops.values()]) p.reject(this.#failed);
      this.#requests.clear();
      this.#ops.clear();
    };
    worker.on('error', die);
    worker.on('exit', (code) => die(code));
  }

  static start(
    script: URL,
    init: WorkerInit,
    onEvent: (e: LegEventMessage) => void,
    onDeath: (handle: WorkerHandle) => void,
  ): Promise<WorkerHandle> {
    const worker = new Worker(script, { workerData: init });
    const handle = new WorkerHandle(init.index, worker, onEvent, onDeath);
    return new Promise((resolve, reject) => {
      const onReady = (m: FromWorker) => {
        if (m.t !== 'ready') return;
        handle.thread = m.thread;
        worker.off('message', onReady);
        worker.off('error', reject);
        resolve(handle);
      };
      worker.on('message', onReady);
      worker.once('error', reject);
    });
  }

  /** False once the worker stopped (crashed, or the engine closed). */
  get alive(): boolean {
    return this.#failed === undefined;
  }

  nextId(): number {
    return ++sequence;
  }

  send(message: ToWorker, transfer: readonly TransferListItem[] = []): void {
    if (!this.#failed) this.worker.postMessage(message, transfer);
  }

  /** A message with an `id` whose reply resolves the promise. */
  request<T = unknown>(message: ToWorker & { id: number }, transfer: readonly TransferListItem[] = []): Promise<T> {
    if (this.#failed) return Promise.reject(this.#failed);
    return new Promise<T>((resolve, reject) => {
      this.#requests.set(message.id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage(message, transfer);
    });
  }

  /**
   * Starts a long operation; resolves when the worker reports it done. On abort the worker is
   * told to stop at its next frame and the promise rejects with `signal.reason` at once.
   */
  operation<T = RecordResult | undefined>(
    make: (op: number) => ToWorker,
    signal: AbortSignal,
    transfer: ArrayBuffer[] = [],
  ): Promise<T> {
    if (signal.aborted) return Promise.reject(signal.reason);
    if (this.#failed) return Promise.reject(this.#failed);
    const op = this.nextId();
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        this.#ops.delete(op);
        this.send({ t: 'cancel', op });
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#ops.set(op, {
        resolve: (v) => {
          signal.removeEventListener('abort', onAbort);
          resolve(v as T);
        },
        reject: (e) => {
          signal.removeEventListener('abort', onAbort);
          reject(e);
        },
      });
      this.worker.postMessage(make(op), transfer);
    });
  }

  async terminate(): Promise<void> {
    this.#failed ??= new EngineError('engine-closed', 'the media engine is closed', `worker ${this.index}`);
    await this.worker.terminate();
  }
}
