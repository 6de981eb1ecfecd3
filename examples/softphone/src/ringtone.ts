/**
 * The ringtone the page plays for incoming calls: a WAV file made here rather than shipped as a
 * binary, the North American ring (440 Hz + 480 Hz, two seconds on, four off) at a gentle level.
 * The page loops it; replace `/ringtone.wav` with any audio file to change the sound.
 *
 * @example
 * res.end(ringtoneWav()); // audio/wav
 */

const RATE = 8000;

/** A 16-bit mono PCM WAV: the 44-byte RIFF header, then the samples. */
export function wav(samples: Int16Array, rate = RATE): Buffer {
  const data = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8, 'ascii');
  header.writeUInt32LE(16, 16); // fmt chunk size
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28); // bytes per second
  header.writeUInt16LE(2, 32); // bytes per frame
  header.writeUInt16LE(16, 34); // bits per sample
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

/** One ring cycle: `onMs` of the two tones (faded in and out so it does not click), then silence. */
export function ringtoneWav(options: { onMs?: number; offMs?: number; level?: number } = {}): Buffer {
  const { onMs = 2000, offMs = 4000, level = 0.2 } = options;
  const on = Math.round((onMs / 1000) * RATE);
  const samples = new Int16Array(on + Math.round((offMs / 1000) * RATE));
  const fade = Math.round(0.02 * RATE);
  for (let i = 0; i < on; i++) {
    const t = i / RATE;
    const envelope = Math.min(1, i / fade, (on - i) / fade);
    const tone = (Math.sin(2 * Math.PI * 440 * t) + Math.sin(2 * Math.PI * 480 * t)) / 2;
    samples[i] = Math.round(tone * envelope * level * 32767);
  }
  return wav(samples);
}
