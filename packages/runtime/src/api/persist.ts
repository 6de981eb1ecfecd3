/**
 * Keeps the store in step with the runtime: call, message and conference records at every change, and each
 * recording (metadata as a record, audio as a blob) when it is saved, so REST lists, fetches and
 * recording media work the same after a restart; and each call's log (notifications of its
 * errors and warnings, events of its requests to the app: call-log.ts).
 *
 * `StoreWrites` is the write path: writes go to the store in the order they happen (so a status
 * change and the callback it sends land in the same group commit); `admit` is the runtime's
 * admission hook (a new call or message runs only once its first record is committed); and a
 * REST request takes a `mark()` before it changes anything and awaits `settled(mark)` before it
 * answers, which rejects if a write made since failed, so a change is never acknowledged before
 * its commit.
 *
 * @example
 * const writes = new StoreWrites(store, log.error);
 * const runtime = createRuntime({ media, admit: writes.admit });
 * const api = createApi({ runtime, store, writes });
 */
import type { CallRecord } from '../calls/call.js';
import type { ConferenceSnapshot } from '../conference/conference.js';
import { FINAL_MESSAGE_STATUSES } from '../messaging/messages.js';
import type { MessageRecord } from '../messaging/types.js';
import type { Admission, Runtime } from '../runtime.js';
import { storeWriteError } from '../store/health.js';
import type { PutOptions, RecordKind, Store, StoredRecord } from '../store/types.js';
import type { RecordingRecord } from '../verbs/types.js';
import { logCalls } from './call-log.js';

/** A conference as stored: the room without its participants (who exist only while live). */
export type StoredConference = Omit<ConferenceSnapshot, 'participants'> & { readonly updatedAt: number };

/** A recording as stored: the record without its audio (which is the blob `<sid>.wav`). */
export type StoredRecording = Omit<RecordingRecord, 'audio'> & { readonly createdAt: number };

/** The records a node runs, stamped with its id in a cluster. */
const OWNED: ReadonlySet<RecordKind> = new Set<RecordKind>(['call', 'message', 'conference']);

export class StoreWrites {
  private readonly inFlight = new Set<Promise<void>>();
  /** The latest write of each record still in flight, by `kind:sid` (what `admit` waits for). */
  private readonly latest = new Map<string, Promise<void>>();
  private started = 0;
  /** The number of the last write that failed, and why. */
  private lastFailed = -1;
  private lastError: unknown;

  /**
   * @param onError each failed write (the store's health reports the state; this the detail)
   * @param node in a cluster, the node stamped on the call, message and conference records it
   *   writes (`node`: whose they are when it dies; never shown by the REST API)
   */
  constructor(
    readonly store: Store,
    private readonly onError: (error: unknown) => void = () => undefined,
    readonly node?: string,
  ) {}

  /** Runs `task` as a tracked write (keyed by the record it writes, when it writes one). */
  run(key: string | undefined, task: () => Promise<void>): Promise<void> {
    const number = this.started++;
    const write = task();
    const tracked = write
      .catch((error: unknown) => {
        // Failures may complete out of order (a recording is two writes): keep the latest started.
        if (number > this.lastFailed) {
          this.lastFailed = number;
          this.lastError = error;
        }
        this.onError(error);
      })
      .finally(() => {
        this.inFlight.delete(tracked);
        if (key !== undefined && this.latest.get(key) === write) this.latest.delete(key);
      });
    this.inFlight.add(tracked);
    if (key !== undefined) this.latest.set(key, write);
    return write;
  }

  put(kind: RecordKind, record: StoredRecord, options?: PutOptions): Promise<void> {
    const owned = this.node !== undefined && OWNED.has(kind) ? { ...record, node: this.node } : record;
    return this.run(`${kind}:${record.sid}`, () => this.store.put(kind, owned, options));
  }

  /** The runtime's admission hook: the commit of the new record (written on its creation event). */
  readonly admit = (admission: Admission): Promise<void> =>
    this.latest.get(`${admission.kind}:${admission.record.sid}`) ?? this.put(admission.kind, admission.record);

  /** Where a request's writes begin. */
  mark(): number {
    return this.started;
  }

  /** Settles when every write started so far has finished, failed or not. */
  async written(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }

  /** Settles when every write started so far is in the store; rejects if one started since `mark` failed. */
  async settled(mark = 0): Promise<void> {
    await Promise.all([...this.inFlight]);
    if (this.lastFailed >= mark) throw storeWriteError(this.lastError) ?? this.lastError;
  }
}

export interface Persistence {
  stop(): void;
}

export function persistRuntime(
  runtime: Pick<Runtime, 'events'>,
  writes: StoreWrites,
  now: () => number = Date.now,
): Persistence {
  const writeCall = (call: CallRecord) => void writes.put('call', call);
  // A message in a final status stays in it, whoever wrote it (a survivor may have ended it).
  const writeMessage = (message: MessageRecord) =>
    void writes.put('message', message, { unlessStatusIn: FINAL_MESSAGE_STATUSES });
  const writeConference = (room: ConferenceSnapshot) => {
    const { participants: _live, ...stored } = room;
    const record: StoredConference = { ...stored, updatedAt: now() };
    void writes.put('conference', record);
  };
  const writeRecording = (recording: RecordingRecord) => {
    const { audio, ...metadata } = recording;
    const stored: StoredRecording = { ...metadata, createdAt: recording.startedAt };
    // The audio first: a stored recording record always has its audio.
    void writes.run(`recording:${recording.sid}`, async () => {
      await writes.store.blobs.put(`${recording.sid}.wav`, audio);
      await writes.store.put('recording', stored);
    });
  };
  const stopLog = logCalls(runtime.events, (kind, record) => void writes.put(kind, record), now);
  const listeners = [
    ['call.created', writeCall],
    ['call.status', writeCall],
    ['call.error', writeCall],
    ['message.updated', writeMessage],
    ['recording.saved', writeRecording],
    ['conference.updated', writeConference],
  ] as const;
  for (const [event, listener] of listeners) runtime.events.on(event, listener as () => void);
  return {
    stop() {
      stopLog();
      for (const [event, listener] of listeners) runtime.events.off(event, listener as () => void);
    },
  };
}
