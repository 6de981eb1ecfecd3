/**
 * A gate for the STUN binding requests werift's ICE agent answers. werift 0.24 answers every
 * request, authenticated or not (it verifies no MESSAGE-INTEGRITY and checks no USERNAME), and
 * starts a triggered check towards each new source: a flood of requests costs its event loop a
 * signed response and a check each (the hostile tests saw a call's audio stall under one). The
 * gate admits only requests that name this session's ICE ufrag, at most `perSecond` a second
 * from any one source, and keeps at most `maxSources` sources a second (a legitimate device uses
 * one or two; its checks are paced at 20 a second at most). Once the device's ufrag is known
 * (`remoteUfrag`) the request must name it too: a device that restarted ICE pairs its new
 * candidates with this session's (old) one, naming its new ufrag, and answering those checks
 * keeps it on a session it is leaving (Chromium sent its new DTLS handshake there).
 * node-datachannel (libjuice) checks credentials itself and needs none of this.
 *
 * @example
 * new RTCPeerConnection({ iceFilterStunResponse: stunGate(() => localUfrag, { remoteUfrag: () => theirs }) });
 */

export interface StunRequest {
  getAttributeValue(name: 'USERNAME'): unknown;
}

export interface StunGateOptions {
  /** @default 50 */
  readonly perSecond?: number;
  /** @default 64 */
  readonly maxSources?: number;
  /** @default Date.now */
  readonly now?: () => number;
  /** The device's ICE ufrag, once its description is applied. @default unknown */
  readonly remoteUfrag?: () => string | undefined;
}

export function stunGate(
  localUfrag: () => string | undefined,
  options: StunGateOptions = {},
): (message: StunRequest, addr: readonly [string, number]) => boolean {
  const perSecond = options.perSecond ?? 50;
  const maxSources = options.maxSources ?? 64;
  const now = options.now ?? Date.now;
  let second = -1;
  const counts = new Map<string, number>();
  return (message, [host, port]) => {
    const ufrag = localUfrag();
    const username = message.getAttributeValue('USERNAME');
    // USERNAME is "<our ufrag>:<theirs>" in a request to us (RFC 8445 7.2.2)
    if (ufrag !== undefined && (typeof username !== 'string' || !username.startsWith(`${ufrag}:`))) return false;
    const theirs = options.remoteUfrag?.();
    if (ufrag !== undefined && theirs !== undefined && username !== `${ufrag}:${theirs}`) return false;
    const at = Math.floor(now() / 1000);
    if (at !== second) {
      second = at;
      counts.clear();
    }
    const source = `${host}:${port}`;
    const seen = counts.get(source);
    if (seen === undefined && counts.size >= maxSources) return false;
    if ((seen ?? 0) >= perSecond) return false;
    counts.set(source, (seen ?? 0) + 1);
    return true;
  };
}
