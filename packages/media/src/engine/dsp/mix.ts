/**
 * Mixing on a 32-bit accumulator with clipping to 16 bits: sum every contributor once, then give
 * each listener the sum minus its own voice (mix-minus), so a conference costs one pass per
 * input and one per output instead of one per pair.
 *
 * @example
 * acc.fill(0); addInto(acc, a); addInto(acc, b); addInto(acc, c);
 * mixMinus(acc, a, outA); // A hears B + C
 */

/** acc += frame */
export function addInto(acc: Int32Array, frame: Int16Array): void {
  for (let i = 0; i < acc.length; i++) acc[i] = (acc[i] as number) + (frame[i] as number);
}

/** out = clip(acc - own); `own` undefined means nothing to subtract. */
export function mixMinus(acc: Int32Array, own: Int16Array | undefined, out: Int16Array): void {
  for (let i = 0; i < out.length; i++) {
    const v = (acc[i] as number) - (own ? (own[i] as number) : 0);
    out[i] = Math.max(-32768, Math.min(32767, v));
  }
}

/** out = clip(a + b) */
export function addClip(a: Int16Array, b: Int16Array, out: Int16Array): void {
  for (let i = 0; i < out.length; i++) {
    const v = (a[i] as number) + (b[i] as number);
    out[i] = Math.max(-32768, Math.min(32767, v));
  }
}
