/**
 * Patchbay's built-in hold music (`patchbay:hold-music`): a soft arpeggio of sine tones with
 * gentle attack and release, 8 s long, made once. Nothing is fetched, so a queue or a
 * conference waiting room is never silent, even with no network.
 */
const RATE = 8000;
/** A major-seventh arpeggio in the telephone band (Hz), one note per half second. */
const NOTES = [392, 494, 587, 740, 587, 494, 392, 330, 392, 494, 587, 740, 880, 740, 587, 494];

let made: Int16Array | undefined;

export function holdMusic(): Int16Array {
  if (made) return made;
  const noteSamples = RATE / 2;
  const pcm = new Int16Array(NOTES.length * noteSamples);
  NOTES.forEach((frequency, note) => {
    for (let i = 0; i < noteSamples; i++) {
      // 40 ms attack, exponential decay: a plucked, unobtrusive tone.
      const envelope = Math.min(1, i / 320) * Math.exp((-3 * i) / noteSamples);
      pcm[note * noteSamples + i] = Math.round(6000 * envelope * Math.sin((2 * Math.PI * frequency * i) / RATE));
    }
  });
  made = pcm;
  return pcm;
}

let beeped: Int16Array | undefined;

/** The conference beep (`patchbay:beep`): 400 ms of 1 kHz, as the engine's own beep. */
export function beepTone(): Int16Array {
  if (beeped) return beeped;
  const pcm = new Int16Array(RATE * 0.4);
  for (let i = 0; i < pcm.length; i++) pcm[i] = Math.round(8000 * Math.sin((2 * Math.PI * 1000 * i) / RATE));
  beeped = pcm;
  return pcm;
}
