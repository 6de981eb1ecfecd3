/**
 * G.711 µ-law and A-law expansion to linear 16-bit, as 256-entry tables (ITU-T G.711), for WAV
 * files stored in those encodings. The engine's RTP path has its own encoders; these only decode.
 *
 * @example
 * const linear = MULAW_TO_LINEAR[0xff]; // 0
 */
function expandMulaw(byte: number): number {
  const u = ~byte & 0xff;
  const exponent = (u >> 4) & 0x07;
  const magnitude = ((((u & 0x0f) << 3) + 0x84) << exponent) - 0x84;
  return u & 0x80 ? -magnitude : magnitude;
}

function expandAlaw(byte: number): number {
  const a = byte ^ 0x55;
  const exponent = (a >> 4) & 0x07;
  let magnitude = (a & 0x0f) << 4;
  magnitude += exponent === 0 ? 8 : 0x108;
  if (exponent > 1) magnitude <<= exponent - 1;
  return a & 0x80 ? magnitude : -magnitude;
}

function table(expand: (byte: number) => number): Int16Array {
  const out = new Int16Array(256);
  for (let i = 0; i < 256; i++) out[i] = expand(i);
  return out;
}

/** µ-law byte → linear sample (−32124..32124). */
export const MULAW_TO_LINEAR: Int16Array = table(expandMulaw);
/** A-law byte → linear sample (−32256..32256). */
export const ALAW_TO_LINEAR: Int16Array = table(expandAlaw);
