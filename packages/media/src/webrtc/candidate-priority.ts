/**
 * Patchbay's answer to a device's ICE restart, with each candidate's priority raised to the top
 * of its type (local preference 65535, RFC 8445 5.1.2.1; the type preference and component
 * kept). Why: Chromium prunes a candidate pair while a writable pair on the same network has a
 * better or equal priority, and its old pair to the session being replaced stays writable until
 * that session goes. werift's host candidates rank above node-datachannel's (local preference
 * 0x1fff vs 0x0fff), so after a restart of a call Patchbay offered on werift, Chromium pruned
 * every pair to the new session's candidate and never checked it (docs/webrtc.md).
 *
 * @example
 * const answer = outranking(session.localSdp); // a=candidate:1 1 UDP 2130706431 ... typ host
 */

const TOP_LOCAL_PREFERENCE = 0xffff;

export function outranking(sdp: string): string {
  return sdp.replace(/^(a=candidate:\S+ \d+ \S+ )(\d+)( )/gm, (line, head: string, priority: string, tail: string) => {
    const value = Number(priority);
    if (!Number.isSafeInteger(value) || value > 0xffffffff) return line;
    const type = Math.floor(value / 2 ** 24);
    const component = value % 256;
    return `${head}${type * 2 ** 24 + TOP_LOCAL_PREFERENCE * 256 + component}${tail}`;
  });
}
