/**
 * What a real phone heard, as the media conformance suite names it: the phone's recording cut
 * into stretches of sound, each named by what it is (DTMF digits, the 1 kHz beep, the harness's
 * 600 Hz "audio" file, or speech), neighbours of one kind merged: `['speech', 'audio',
 * 'digits:12', 'beep']`. Test support: the ears of the SIP conformance harness.
 */
import { detectDtmf, toneLevels } from '../testing/audio-analysis.js';

/** The tone the harness serves as a Play URL's audio. */
export const AUDIO_HZ = 600;
/** The engine's beep. */
export const BEEP_HZ = 1000;

const FRAME = 160;
/** Quieter than this (mean absolute sample) is silence; G.711 idle noise stays far below. */
const SILENT = 200;
/** A gap this long ends a stretch of sound (speech has shorter gaps between words). */
const GAP_FRAMES = 10;

interface Stretch {
  readonly atMs: number;
  readonly pcm: Int16Array;
}

function stretches(pcm: Int16Array): Stretch[] {
  const found: Stretch[] = [];
  const at = (frame: number, end: number) => ({
    atMs: frame * 20,
    pcm: pcm.subarray(frame * FRAME, end * FRAME),
  });
  let start = -1;
  let quiet = 0;
  for (let frame = 0; frame * FRAME < pcm.length; frame++) {
    const samples = pcm.subarray(frame * FRAME, (frame + 1) * FRAME);
    let sum = 0;
    for (const sample of samples) sum += Math.abs(sample);
    const loud = sum / samples.length > SILENT;
    if (loud) {
      if (start < 0) start = frame;
      quiet = 0;
    } else if (start >= 0 && ++quiet >= GAP_FRAMES) {
      found.push(at(start, frame - quiet + 1));
      start = -1;
      quiet = 0;
    }
  }
  if (start >= 0) found.push(at(start, Math.ceil(pcm.length / FRAME)));
  return found;
}

function kindOf(stretch: Int16Array): string {
  const digits = detectDtmf(stretch);
  if (digits) return `digits:${digits}`;
  const levels = toneLevels(stretch, [AUDIO_HZ, BEEP_HZ]);
  if ((levels[BEEP_HZ] ?? 0) > 0.5) return 'beep';
  if ((levels[AUDIO_HZ] ?? 0) > 0.5) return 'audio';
  return 'speech';
}

/**
 * What `pcm` holds, in order, with `digits` the phone received as RFC 4733 events (they are not
 * in its audio) placed by when they came (milliseconds since the recording began).
 */
export function heardIn(pcm: Int16Array, digits: ReadonlyArray<{ atMs: number; digit: string }> = []): string[] {
  const heard: string[] = [];
  const sounds = stretches(pcm).map((stretch) => ({ atMs: stretch.atMs, kind: kindOf(stretch.pcm) }));
  const events = digits.map(({ atMs, digit }) => ({ atMs, kind: `digits:${digit}` }));
  for (const { kind } of [...sounds, ...events].sort((a, b) => a.atMs - b.atMs)) {
    const last = heard.at(-1);
    if (last !== undefined && kind.startsWith('digits:') && last.startsWith('digits:')) {
      heard[heard.length - 1] = last + kind.slice('digits:'.length);
    } else if (last !== kind || kind.startsWith('digits:')) heard.push(kind);
  }
  return heard;
}
