/**
 * Packet loss concealment for G.711 (a simple form of ITU-T G.711 Appendix I): a lost frame
 * repeats the last good one, halved for each further loss, and goes silent after 60 ms, so a
 * lost packet is a softer echo instead of a click.
 *
 * @example
 * conceal(lastGoodFrame, missedInARow, frame);
 */
/** Packet loss concealment: repeat the last frame, halving each missing frame, silent after 3. */
export function conceal(last: Int16Array, missed: number, out: Int16Array): void {
  if (missed > 3) {
    out.fill(0);
    return;
  }
  const shift = missed;
  for (let i = 0; i < out.length; i++) out[i] = (last[i] as number) >> shift;
}
