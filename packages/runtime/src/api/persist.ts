/**
 * Keeps the store in step with the runtime: call, message and conference records at every change, and each
 * recording (metadata as a record, audio as a blob) when it is saved, so REST lists, fetches and
 * recording media work the same after a restart.
 */
import type { CallRecord } from '../calls/call.js';
import type { ConferenceSnapshot } from '../conference/conference.js';
import type { MessageRecord } from '../messaging/types.js';
import type { Runtime } from '../runtime.js';
import type { Store } from '../store/types.js';
import type { RecordingRecord } from '../verbs/types.js';

/** A conference as stored: the room without its participants (who exist only while live). */
export type StoredConference = Omit<ConferenceSnapshot, 'participants'> & { readonly updatedAt: number };

/** A recording as stored: the record without its audio (which is the blob `<sid>.wav`). */
export type StoredRecording = Omit<RecordingRecord, 'audio'> & { readonly createdAt: number };

export function persistRuntime(
  runtime: Pick<Runtime, 'events'>,
  store: Store,
  onError: (error: unknown) => void,
  now: () => number = Date.now,
): () => void {
  const writeCall = (call: CallRecord) => {
    store.put('call', call).catch(onError);
  };
  const writeMessage = (message: MessageRecord) => {
    store.put('message', message).catch(onError);
  };
  const writeConference = (room: ConferenceSnapshot) => {
    const { participants: _live, ...stored } = room;
    store.put('conference', { ...stored, updatedAt: now() } satisfies StoredConference).catch(onError);
  };
  const writeRecording = (recording: RecordingRecord) => {
    const { audio, ...metadata } = recording;
    const stored: StoredRecording = { ...metadata, createdAt: recording.startedAt };
    store.blobs
      .put(`${recording.sid}.wav`, audio)
      .then(() => store.put('recording', stored))
      .catch(onError);
  };
  runtime.events.on('call.created', writeCall);
  runtime.events.on('call.status', writeCall);
  runtime.events.on('call.error', writeCall);
  runtime.events.on('message.updated', writeMessage);
  runtime.events.on('recording.saved', writeRecording);
  runtime.events.on('conference.updated', writeConference);
  return () => {
    runtime.events.off('conference.updated', writeConference);
    runtime.events.off('call.created', writeCall);
    runtime.events.off('call.status', writeCall);
    runtime.events.off('call.error', writeCall);
    runtime.events.off('message.updated', writeMessage);
    runtime.events.off('recording.saved', writeRecording);
  };
}
