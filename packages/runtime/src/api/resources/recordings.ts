/**
 * /2010-04-01/Accounts/{AccountSid}/Recordings (and a call's, /Calls/{CallSid}/Recordings): list
 * (CallSid, ConferenceSid filters), fetch, delete (record and audio); the audio itself is served at the recording's URL (`.wav`) without
 * credentials, as the hosted API does by default, from the store so it outlives restarts.
 */
import { serveRecordingAudio } from '../../calls/recording-media.js';
import type { Store } from '../../store/types.js';
import { apiDate, notFound } from '../http.js';
import { filtersFrom, pageBody, pageRequest } from '../paging.js';
import type { StoredRecording } from '../persist.js';
import type { Resource } from './context.js';

export function recordingJson(recording: StoredRecording) {
  const base = `/2010-04-01/Accounts/${recording.accountSid}/Recordings/${recording.sid}`;
  return {
    sid: recording.sid,
    account_sid: recording.accountSid,
    call_sid: recording.callSid ?? null,
    conference_sid: recording.conferenceSid ?? null,
    api_version: '2010-04-01',
    channels: recording.channels,
    duration: String(recording.duration),
    source: recording.source,
    status: recording.status,
    start_time: apiDate(recording.startedAt),
    date_created: apiDate(recording.createdAt),
    date_updated: apiDate(recording.createdAt),
    error_code: null,
    price: null,
    price_unit: 'USD',
    track: 'both',
    encryption_details: null,
    media_url: `${recording.url}.wav`,
    uri: `${base}.json`,
    subresource_uris: { transcriptions: `${base}/Transcriptions.json` },
  };
}

/** A call's recordings (`/Calls/{CallSid}/Recordings...`), or the account's. */
const PATH = /^(?:Calls\/(CA[0-9a-f]{32})\/)?Recordings(?:\.json|\/(RE[0-9a-f]{32})\.json)$/;

export const recordingsResource: Resource = async (context) => {
  const { store, account, rest, query } = context;
  const match = PATH.exec(rest);
  if (!match) return undefined;
  const [, callSid, sid] = match;
  if (callSid && !(await store.get('call', account.sid, callSid))) throw notFound(callSid);
  const base = `/2010-04-01/Accounts/${account.sid}${callSid ? `/Calls/${callSid}` : ''}/Recordings`;
  // Under a call, `uri` names the recording there (the hosted API's call recording).
  const render = (recording: StoredRecording) =>
    callSid ? { ...recordingJson(recording), uri: `${base}/${recording.sid}.json` } : recordingJson(recording);
  if (!sid) {
    if (context.method !== 'GET') return undefined;
    const request = pageRequest(query);
    const where = callSid ? { callSid } : filtersFrom(query, ['CallSid', 'ConferenceSid']);
    const page = await store.list<StoredRecording>('recording', { accountSid: account.sid, where, ...request });
    return { status: 200, body: pageBody('recordings', `${base}.json`, query, request, page, render) };
  }
  const recording = await store.get<StoredRecording>('recording', account.sid, sid);
  if (!recording || (callSid && recording.callSid !== callSid)) throw notFound(sid);
  if (context.method === 'GET') return { status: 200, body: render(recording) };
  if (context.method === 'DELETE') {
    await store.delete('recording', account.sid, sid);
    await store.blobs.delete(`${sid}.wav`);
    context.runtime.recordings.delete(sid);
    return { status: 204 };
  }
  return undefined;
};

/** Serves recording audio from the store (see `serveRecordingAudio`). */
export function storedRecordingMedia(store: Store) {
  return serveRecordingAudio(async (account, sid) =>
    (await store.get<StoredRecording>('recording', account, sid)) ? store.blobs.get(`${sid}.wav`) : undefined,
  );
}
