/**
 * Serves recording audio at the URLs the runtime hands out
 * (`<publicUrl>/2010-04-01/Accounts/<AC>/Recordings/<RE>` and the same with `.wav`), as the hosted
 * API does: readable without credentials, the unguessable SID being the secret. Mount it in any
 * node:http server; it answers only the requests it recognises (`false` for the others).
 *
 * @example
 * const serveRecording = recordingMedia(runtime);
 * createServer((req, res) => serveRecording(req, res) || notFound(res));
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestUrl } from '../api/http.js';
import type { RecordingRecord } from '../verbs/types.js';

const PATH = /^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})\/Recordings\/(RE[0-9a-f]{32})(\.wav|\.mp3)?$/;

/** Finds a recording's WAV audio within an account; undefined when there is none. */
export type AudioLookup = (accountSid: string, sid: string) => Promise<Uint8Array | undefined>;

function sendStatus(res: ServerResponse, status: number, code: number, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ code, message, status }));
}

/** The handler over any source of audio (the runtime's memory, a store). */
export function serveRecordingAudio(lookup: AudioLookup) {
  return (req: IncomingMessage, res: ServerResponse): Promise<boolean> | false => {
    const match = PATH.exec(requestUrl(req)?.pathname ?? '');
    if (!match || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
    const [, account, sid, extension] = match as unknown as [string, string, string, string | undefined];
    return lookup(account, sid).then((audio) => {
      if (!audio) sendStatus(res, 404, 20404, `The requested resource ${sid} was not found`);
      else if (extension === '.mp3') sendStatus(res, 415, 20415, 'Recordings are available as .wav');
      else {
        res.writeHead(200, { 'content-type': 'audio/x-wav', 'content-length': String(audio.byteLength) });
        res.end(req.method === 'HEAD' ? undefined : Buffer.from(audio));
      }
      return true;
    });
  };
}

/** The handler over the runtime's own (recent) recordings. */
export function recordingMedia(source: { readonly recordings: { get(sid: string): RecordingRecord | undefined } }) {
  return serveRecordingAudio(async (account, sid) => {
    const recording = source.recordings.get(sid);
    return recording?.accountSid === account ? recording.audio : undefined;
  });
}
