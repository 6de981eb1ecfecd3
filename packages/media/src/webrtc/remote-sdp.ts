/**
 * Checking and trimming a device's SDP before a WebRTC stack sees it. The stacks are lenient and
 * their errors are strings, so the device's description is checked here with a typed error per
 * problem (bounded size, one audio section over DTLS-SRTP with ICE credentials and a
 * fingerprint, PCMU offered), and trimmed to what Patchbay carries: PCMU and
 * telephone-event/8000 only, so no stack can answer with Opus (node-datachannel mirrors the
 * offer's order otherwise). An offer's `a=setup:actpass` may be rewritten to `active` so the
 * server answers `passive` and stays the DTLS server: libdatachannel as DTLS client waits a full
 * second to retransmit its first ClientHello when it races the browser's ICE (measured: 1.1 s vs
 * 0.25 s to connected).
 *
 * @example
 * const remote = checkRemoteSdp(offer, 'offer'); // remote.sdp trimmed, remote.telephoneEvent = 126
 */
import { WebRtcError } from './errors.js';

export const MAX_REMOTE_SDP_BYTES = 16_384;
const MAX_LINES = 400;

export interface RemoteSdp {
  /** The description trimmed to PCMU and telephone-event. */
  readonly sdp: string;
  /** The audio section's mid (`0` when absent). */
  readonly mid: string;
  /** The payload type of telephone-event/8000, when offered. */
  readonly telephoneEvent?: number;
  /** Whether the description carries `a=setup:actpass`. */
  readonly actpass: boolean;
  /** The ICE ufrag (the audio section's, else the session's). */
  readonly ufrag: string;
}

function fail(message: string, where: string): never {
  throw new WebRtcError('sdp-malformed', message, where);
}

export function checkRemoteSdp(text: unknown, kind: 'offer' | 'answer'): RemoteSdp {
  const where = `device ${kind}`;
  if (typeof text !== 'string' || text.length === 0) fail('the SDP is empty or not text', where);
  if (text.length > MAX_REMOTE_SDP_BYTES) {
    throw new WebRtcError('sdp-too-large', `the SDP is over ${MAX_REMOTE_SDP_BYTES} bytes`, where);
  }
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  if (lines.length > MAX_LINES) throw new WebRtcError('sdp-too-large', `the SDP is over ${MAX_LINES} lines`, where);
  if (lines[0] !== 'v=0') fail('the SDP does not start with v=0', where);
  for (const [i, line] of lines.entries()) {
    if (!/^[a-z]=/.test(line)) fail(`line ${i + 1} is not x=value`, where);
  }
  const audio = lines.findIndex((l) => l.startsWith('m=audio '));
  if (audio < 0) fail('no audio section', where);
  const m = (lines[audio] as string).split(' ');
  if (m.length < 4 || !/^\d+$/.test(m[1] as string)) fail('bad m=audio line', where);
  if (!(m[2] as string).includes('SAVPF') && !(m[2] as string).includes('SAVP')) {
    fail(`audio is ${m[2]}, not DTLS-SRTP`, where);
  }
  const end = lines.findIndex((l, i) => i > audio && l.startsWith('m='));
  const section = lines.slice(audio, end < 0 ? undefined : end);
  const all = (prefix: string) => lines.some((l) => l.startsWith(prefix));
  if (!all('a=fingerprint:')) fail('no DTLS fingerprint', where);
  if (!all('a=ice-ufrag:') || !all('a=ice-pwd:')) fail('no ICE credentials', where);
  const formats = m.slice(3);
  const rtpmap = new Map<string, string>();
  for (const l of section) {
    const r = /^a=rtpmap:(\d+) ([^\s]+)/.exec(l);
    if (r) rtpmap.set(r[1] as string, (r[2] as string).toLowerCase());
  }
  const keep = new Set<string>();
  if (formats.includes('0')) keep.add('0');
  if (keep.size === 0) throw new WebRtcError('no-common-codec', 'the device offers no PCMU', where);
  let telephoneEvent: number | undefined;
  for (const f of formats) {
    if (rtpmap.get(f) === 'telephone-event/8000') {
      keep.add(f);
      telephoneEvent ??= Number(f);
    }
  }
  const mid = section.find((l) => l.startsWith('a=mid:'))?.slice(6) ?? '0';
  const trimmed = lines.map((l, i) => {
    if (i === audio) return [...m.slice(0, 3), ...formats.filter((f) => keep.has(f))].join(' ');
    if (i < audio || (end >= 0 && i >= end)) return l;
    const pt = /^a=(?:rtpmap|fmtp|rtcp-fb):(\d+)/.exec(l)?.[1];
    return pt !== undefined && !keep.has(pt) ? undefined : l;
  });
  const sdp = `${trimmed.filter((l) => l !== undefined).join('\r\n')}\r\n`;
  return {
    sdp,
    mid,
    ...(telephoneEvent === undefined ? {} : { telephoneEvent }),
    actpass: lines.some((l) => l === 'a=setup:actpass'),
    ufrag: (
      section.find((l) => l.startsWith('a=ice-ufrag:')) ??
      lines.find((l) => l.startsWith('a=ice-ufrag:')) ??
      ''
    ).slice(12),
  };
}

/** The offer as a DTLS-server answerer should read it (see the module comment). */
export function asActiveOffer(sdp: string): string {
  return sdp.replaceAll('a=setup:actpass', 'a=setup:active');
}
