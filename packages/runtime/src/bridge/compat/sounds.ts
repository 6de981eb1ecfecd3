/**
 * The sounds of the hosted browser SDK's `sounds` option, served by Patchbay so that an incoming
 * call is not held up: the SDK waits up to 2 s for its ringtone before it announces the call, and
 * its default sounds live on the hosted service's CDN. Each is generated here (no recording, no
 * licence): the North American ring (440 + 480 Hz, 2 s on, 4 s off) for `incoming`, one ring for
 * `outgoing`, three falling tones for `disconnect`, and each key's DTMF pair for `dtmf0`-`dtmf9`,
 * `dtmfs` (*) and `dtmfh` (#). 8 kHz, 16-bit mono WAV, which every browser decodes.
 *
 * @example
 * const sounds = soundUrls('https://pbx.example.com:3443'); // { incoming: '.../sdk/sounds/incoming.wav', ... }
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

const RATE = 8000;

type Segment = { readonly ms: number; readonly hz: readonly number[] };

const DTMF: Record<string, readonly [number, number]> = {
  '1': [697, 1209],
  '2': [697, 1336],
  '3': [697, 1477],
  '4': [770, 1209],
  '5': [770, 1336],
  '6': [770, 1477],
  '7': [852, 1209],
  '8': [852, 1336],
  '9': [852, 1477],
  s: [941, 1209],
  '0': [941, 1336],
  h: [941, 1477],
};

const RING = [440, 480];

/** Each sound the SDK names, as tones and silences. */
const SOUNDS: Readonly<Record<string, readonly Segment[]>> = {
  incoming: [
    { ms: 2000, hz: RING },
    { ms: 4000, hz: [] },
  ],
  outgoing: [{ ms: 1000, hz: RING }],
  disconnect: [
    { ms: 150, hz: [660] },
    { ms: 150, hz: [550] },
    { ms: 200, hz: [440] },
  ],
  ...Object.fromEntries(Object.entries(DTMF).map(([key, pair]) => [`dtmf${key}`, [{ ms: 150, hz: pair }]])),
};

/** The names of the SDK's `sounds` option. */
export const SOUND_NAMES = Object.keys(SOUNDS);

/** 16-bit PCM: the segments' tones, each sum at a quarter of full scale, with 5 ms ramps against clicks. */
export function renderWav(segments: readonly Segment[]): Buffer {
  const samples = segments.reduce((total, segment) => total + Math.round((segment.ms * RATE) / 1000), 0);
  const wav = Buffer.alloc(44 + samples * 2);
  wav.write('RIFF', 0, 'ascii');
  wav.writeUInt32LE(36 + samples * 2, 4);
  wav.write('WAVEfmt ', 8, 'ascii');
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(RATE, 24);
  wav.writeUInt32LE(RATE * 2, 28);
  wav.writeUInt16LE(2, 32);
  wav.writeUInt16LE(16, 34);
  wav.write('data', 36, 'ascii');
  wav.writeUInt32LE(samples * 2, 40);
  let at = 0;
  const ramp = RATE / 200;
  for (const segment of segments) {
    const count = Math.round((segment.ms * RATE) / 1000);
    for (let i = 0; i < count; i++, at++) {
      let value = 0;
      for (const hz of segment.hz) value += Math.sin((2 * Math.PI * hz * i) / RATE);
      const envelope = Math.min(1, i / ramp, (count - i) / ramp);
      wav.writeInt16LE(Math.round((value / Math.max(1, segment.hz.length)) * 8191 * envelope), 44 + at * 2);
    }
  }
  return wav;
}

const rendered = new Map<string, Buffer>();

function sound(name: string): Buffer | undefined {
  const segments = Object.hasOwn(SOUNDS, name) ? SOUNDS[name] : undefined;
  if (!segments) return undefined;
  let wav = rendered.get(name);
  if (!wav) {
    wav = renderWav(segments);
    rendered.set(name, wav);
  }
  return wav;
}

/** The `sounds` option for an SDK that reaches Patchbay at `base` (https://host:port). */
export function soundUrls(base: string): Record<string, string> {
  return Object.fromEntries(SOUND_NAMES.map((name) => [name, `${base}/sdk/sounds/${name}.wav`]));
}

/** Answers `GET /sdk/sounds/<file>`: any origin may load them (pages are on the app's own origin). */
export function serveSound(req: IncomingMessage, res: ServerResponse, file: string): void {
  const wav = file.endsWith('.wav') ? sound(file.slice(0, -4)) : undefined;
  const cors = { 'access-control-allow-origin': '*' };
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { ...cors, allow: 'GET, HEAD' }).end();
    return;
  }
  if (!wav) {
    res.writeHead(404, { ...cors, 'content-type': 'text/plain' }).end(`no sound ${file}\n`);
    return;
  }
  res.writeHead(200, {
    ...cors,
    'content-type': 'audio/wav',
    'content-length': wav.length,
    'cache-control': 'public, max-age=86400, immutable',
  });
  res.end(req.method === 'HEAD' ? undefined : wav);
}
