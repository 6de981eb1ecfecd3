/**
 * Serves recording audio at the URLs the runtime hands out
 * (`<publicUrl>/2010-04-01/Accounts/<AC>/Recordings/<RE>` and the same with `.wav`), as the hosted
 * API does: readable without credentials, the unguessable SID being the secret. Mount it in any
 * node:http server; it answers only the requests it recognises.
 *
 * @example
 * const serveRecording = recordingMedia(runtime);
 * createServer((req, res) => serveRecording(req, res) || notFound(res));
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RecordingRecord } from '../verbs/types.js';

const PATH = /^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})\/Recordings\/(RE[0-9a-f]{32})(\.wav|\.mp3)?$/;

export function recordingMedia(source: { readonly recordings: { get(sid: string): RecordingRecord | undefined } }) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const match = PATH.exec(new URL(req.url ?? '/', 'http://localhost').pathname);
    if (!match || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
    const [, account, sid, extension] = match;
    const found = source.recordings.get(sid as string);
    const recording = found?.accountSid === account ? found : undefined;
    if (!recording) {
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end(JSON.stringify({ code: 20404, message: `The requested resource ${sid} was not found`, status: 404 }));
      return true;
    }
    if (extension === '.mp3') {
      res
        .writeHead(415, { 'content-type': 'application/json' })
        .end(JSON.stringify({ code: 20415, message: 'Recordings are available as .wav', status: 415 }));
      return true;
    }
    res.writeHead(200, { 'content-type': 'audio/x-wav', 'content-length': String(recording.audio.byteLength) });
    res.end(req.method === 'HEAD' ? undefined : Buffer.from(recording.audio));
    return true;
  };
}
