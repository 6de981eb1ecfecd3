/**
 * Media on the simulated network, as data: what one party plays, says or keys to another, and
 * how long it lasts on the network's timing.
 */
import type { Timing } from './leg.js';

export type Media =
  | {
      readonly kind: 'speech';
      readonly text: string;
      /** How the runtime spoke it (absent for a person speaking). */
      readonly voice?: { readonly voice: string; readonly language: string };
      /** How sure a recognizer is of it. @default 0.9 */
      readonly confidence?: number;
    }
  | { readonly kind: 'audio'; readonly url: string }
  | { readonly kind: 'digits'; readonly digits: string }
  | { readonly kind: 'beep' };

/** Half a second for each `w` in DTMF, as Play digits and SendDigits have it. */
export const DIGIT_PAUSE_MS = 500;

export const words = (text: string) => text.split(/\s+/).filter(Boolean).length;

/** When each key of `digits` sounds, from the start (a `w` only adds time). */
export function keyTimes(digits: string, timing: Timing): { readonly keys: [string, number][]; readonly ms: number } {
  const keys: [string, number][] = [];
  let at = 0;
  for (const key of digits) {
    if (key === 'w' || key === 'W') {
      at += DIGIT_PAUSE_MS;
      continue;
    }
    keys.push([key, at]);
    at += timing.digitMs;
  }
  return { keys, ms: at };
}

/** How long `media` lasts. */
export function lengthOf(media: Media, timing: Timing): number {
  switch (media.kind) {
    case 'speech':
      return words(media.text) * timing.msPerWord;
    case 'audio':
      return timing.audioMs;
    case 'digits':
      return keyTimes(media.digits, timing).ms;
    case 'beep':
      return timing.beepMs;
  }
}
