/** A minimal WAV (8 kHz, 8-bit, mono PCM) of a given length: what simulated recordings hold. */
export function silentWav(durationMs: number): Uint8Array {
  const samples = Math.max(0, Math.round((durationMs * 8000) / 1000));
  const buffer = Buffer.alloc(44 + samples, 128);
  buffer.write('RIFF', 0, 'ascii');
  buffer.writeUInt32LE(36 + samples, 4);
  buffer.write('WAVEfmt ', 8, 'ascii');
  buffer.writeUInt32LE(16, 16); // fmt chunk size
  buffer.writeUInt16LE(1, 20); // PCM
  buffer.writeUInt16LE(1, 22); // mono
  buffer.writeUInt32LE(8000, 24); // sample rate
  buffer.writeUInt32LE(8000, 28); // byte rate
  buffer.writeUInt16LE(1, 32); // block align
  buffer.writeUInt16LE(8, 34); // bits per sample
  buffer.write('data', 36, 'ascii');
  buffer.writeUInt32LE(samples, 40);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);
}

/** Duration of a WAV made by `silentWav`, in milliseconds. */
export function wavDurationMs(wav: Uint8Array): number {
  const view = Buffer.from(wav.buffer, wav.byteOffset, wav.byteLength);
  return Math.round((view.readUInt32LE(40) / view.readUInt32LE(28)) * 1000);
}
