/**
 * Moves the SQLite write-ahead log into the database file from a worker thread, on its own
 * connection, so the fsync a checkpoint needs never stalls the event loop. (SQLite's automatic
 * checkpoint runs inside whichever commit crosses the threshold: under load that commit, and
 * every request behind it, waited 100-200 ms.) PASSIVE checkpoints never block writers.
 */
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

// The worker never throws: an exception escaping a worker's first turn surfaces in some hosts
// (vitest's) as an unhandled rejection of the parent. A file that cannot be opened (its directory
// removed before the worker got to it) is reported as a message, and the worker ends.
const SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
function start() {
  let db;
  try {
    db = new Database(workerData.file, { fileMustExist: true });
    db.pragma('busy_timeout = 5000');
  } catch (error) {
    parentPort.postMessage({ failed: String((error && error.message) || error) });
    return; // nothing left to run: the worker ends

  }
  const timer = setInterval(() => {
    try {
      const [result] = db.pragma('wal_checkpoint(PASSIVE)');
      if (result.log > 0) parentPort.postMessage({ result });
    } catch {
      // busy or locked: the next round catches up
    }
  }, workerData.everyMs);
  parentPort.on('message', () => {
    clearInterval(timer);
    db.close();
    parentPort.close();
  });
}
start();
`;

type WorkerMessage = { readonly failed: string } | { readonly result: CheckpointResult };

export interface Checkpointer {
  stop(): Promise<void>;
}

/** What one checkpoint did, in WAL pages. */
export interface CheckpointResult {
  readonly busy: number;
  /** Pages in the log. */
  readonly log: number;
  /** Pages moved into the database file. */
  readonly checkpointed: number;
}

/**
 * Starts checkpointing `file` every `everyMs`; `onFailure` runs if the worker cannot work, and
 * `onCheckpoint` after each checkpoint that found pages in the log.
 */
export function startCheckpointer(
  file: string,
  everyMs: number,
  onFailure: (error: unknown) => void,
  onCheckpoint?: (result: CheckpointResult) => void,
): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(SOURCE, { eval: true, workerData: { driver, file, everyMs } });
  worker.unref();
  let stopped = false;
  const fail = (error: unknown) => {
    if (!stopped) onFailure(error);
  };
  worker.on('error', fail);
  worker.on('message', (message: WorkerMessage) => {
    if ('failed' in message) fail(new Error(`checkpointer: ${message.failed}`));
    else onCheckpoint?.(message.result);
  });
  const exited = once(worker, 'exit');
  return {
    async stop() {
      if (stopped) return;
      stopped = true;
      // Waited for: the process must not end (its loop empty) before the worker has closed.
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}
