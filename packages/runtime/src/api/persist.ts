/**
 * Keeps the store in step with the runtime: call, message and conference records at every change, and each
 * recording (metadata as a record, audio as a blob) when it is saved, so REST lists, fetches and
 * recording media work the same after a restart; and each call's log (notifications of its
 * errors and warnings, events of its requests to the app: call-log.ts).
 */
import type { CallRecord } from '../calls/call.js';
import type { ConferenceSnapshot } from '../conference/conference.js';
import type { MessageRecord } from '../messaging/types.js';
import type { Runtime } from '../runtime.js';
import type { Store } from '../store/types.js';
import type { RecordingRecord } from '../verbs/types.js';
import { logCalls } from './call-log.js';

/** A conference as stored: the room without its participants (who exist only while live). */
export type StoredConference = Omit<ConferenceSnapshot, 'participants'> & { readonly updatedAt: number };

/** A recording as stored: the record without its audio (which is the blob `<sid>.wav`). */
export type StoredRecording = Omit<RecordingRecord, 'audio'> & { readonly createdAt: number };

export interface Persistence {
  /** Settles when every write started so far is in the store (a REST answer waits for it). */
  flush(): Promise<void>;
  stop(): void;
}

export function persistRuntime(
  runtime: Pick<Runtime, 'events'>,
  store: Store,
  onError: (error: unknown) => void,
  now: () => number = Date.now,
): Persistence {
  // Writes go to the store in the order they happen (the store keeps that order), so a status
  // change and the callback it sends land in the same group commit.
  const inFlight = new Set<Promise<void>>();
  const write = (task: () => Promise<void>) => {
    const done = task()
      .catch(onError)
      .finally(() => inFlight.delete(done));
    inFlight.add(done);
  };
  const writeCall = (call: CallRecord) => write(() => store.put('call', call));
  const writeMessage = (message: MessageRecord) => write(() => store.put('message', message));
  const writeConference = (room: ConferenceSnapshot) => {
    const { participants: _live, ...stored } = room;
    const record: StoredConference = { ...stored, updatedAt: now() };
    write(() => store.put('conference', record));
  };
  const writeRecording = (recording: RecordingRecord) => {
    const { audio, ...metadata } = recording;
    const stored: StoredRecording = { ...metadata, createdAt: recording.startedAt };
    write(async () => {
      await store.blobs.put(`${recording.sid}.wav`, audio);
      await store.put('recording', stored);
    });
  };
  const stopLog = logCalls(runtime.events, (kind, record) => write(() => store.put(kind, record)), now);
  runtime.events.on('call.created', writeCall);
  runtime.events.on('call.status', writeCall);
  runtime.events.on('call.error', writeCall);
  runtime.events.on('message.updated', writeMessage);
  runtime.events.on('recording.saved', writeRecording);
  runtime.events.on('conference.updated', writeConference);
  const stop = () => {
    stopLog();
    runtime.events.off('conference.updated', writeConference);
    runtime.events.off('call.created', writeCall);
    runtime.events.off('call.status', writeCall);
    runtime.events.off('call.error', writeCall);
    runtime.events.off('message.updated', writeMessage);
    runtime.events.off('recording.saved', writeRecording);
  };
  return {
    flush: async () => {
      await Promise.all([...inFlight]);
    },
    stop,
  };
}
