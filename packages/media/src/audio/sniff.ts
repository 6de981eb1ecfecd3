/**
 * What kind of audio a body holds, from its first bytes: servers often label files
 * `application/octet-stream`, and a label can lie, so the bytes decide which decoder runs.
 *
 * @example
 * sniffAudio(bytes); // 'wav' | 'mp3' | undefined
 */
export type AudioContainer = 'wav' | 'mp3';

export function sniffAudio(bytes: Uint8Array): AudioContainer | undefined {
  const tag = String.fromCharCode(...bytes.subarray(0, 4));
  if ((tag === 'RIFF' || tag === 'RF64') && String.fromCharCode(...bytes.subarray(8, 12)) === 'WAVE') return 'wav';
  if (tag.startsWith('ID3')) return 'mp3';
  const [first = 0, second = 0, third = 0] = bytes;
  // An MPEG audio frame header: 11 sync bits, a version other than "reserved", layer I-III, a real bitrate.
  const sync = first === 0xff && (second & 0xe0) === 0xe0;
  const version = (second >> 3) & 3;
  const layer = (second >> 1) & 3;
  const bitrate = third >> 4;
  if (sync && version !== 1 && layer !== 0 && bitrate !== 15 && (third >> 2) % 4 !== 3) return 'mp3';
  return undefined;
}
