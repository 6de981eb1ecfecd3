/**
 * The recordings a runtime keeps in memory: each saved one (a call's or a conference's) gets its
 * sid and its URL under the REST API, and only the newest are kept, since they hold their audio.
 *
 * @example
 * const recordings = recordingStore({ publicUrl, keep: 100, onSaved: (r) => events.emit('recording.saved', r) });
 * const saved = recordings.save({ accountSid, callSid }, recording);
 * recordings.api.get(saved.sid);
 */
import type { Runtime } from '../runtime-types.js';
import { newSid } from '../sid.js';
import type { NewRecording, RecordingRecord } from '../verbs/types.js';
import { evictOldest } from './call-table.js';

/** Whose recording it is: the account, and the call or the conference it was made in. */
export interface RecordingOwner {
  accountSid: string;
  callSid?: string;
  conferenceSid?: string;
}

export interface RecordingStore {
  /** Keeps a new recording (evicting the oldest past `keep`) and reports it to `onSaved`. */
  save(owner: RecordingOwner, recording: NewRecording): RecordingRecord;
  /** The runtime's `recordings` API. */
  readonly api: Runtime['recordings'];
}

export function recordingStore({
  publicUrl,
  keep,
  onSaved,
}: {
  /** The REST API's base URL, without a trailing slash. */
  publicUrl: string;
  /** How many recordings to keep. */
  keep: number;
  onSaved: (saved: RecordingRecord) => void;
}): RecordingStore {
  const recordings = new Map<string, RecordingRecord>();
  return {
    save(owner, recording) {
      const sid = newSid('RE');
      const saved: RecordingRecord = {
        sid,
        ...owner,
        duration: Math.round(recording.durationMs / 1000),
        channels: recording.channels ?? 1,
        source: recording.source,
        status: 'completed',
        startedAt: recording.startedAt,
        url: `${publicUrl}/2010-04-01/Accounts/${owner.accountSid}/Recordings/${sid}`,
        audio: recording.audio,
      };
      recordings.set(sid, saved);
      evictOldest(recordings, keep);
      onSaved(saved);
      return saved;
    },
    api: {
      get: (sid) => recordings.get(sid),
      list: (filter = {}) =>
        [...recordings.values()].filter((r) => filter.callSid === undefined || r.callSid === filter.callSid),
      delete: (sid) => recordings.delete(sid),
    },
  };
}
