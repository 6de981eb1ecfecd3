/**
 * Offer/answer for one audio stream (RFC 3264): we offer PCMU, PCMA and telephone-event; we
 * answer with the first offered codec we support (the offerer's preference), keep other m= lines
 * in place with port 0, mirror the offerer's direction (sendonly ↔ recvonly), treat c=0.0.0.0 as
 * hold, and answer 488 when no audio codec matches. Results are `NegotiatedMedia` for the engine.
 *
 * @example
 * const offer = createOffer({ address: '203.0.113.5', port: 40000 });
 * const result = answerOffer(remoteOffer, { address: '203.0.113.5', port: 40002 });
 * if ('reject' in result) respond(488); else { respond(200, result.sdp); leg.configure(result.media); }
 */
import { parseSdp } from './parse.js';
import {
  type Codec,
  DEFAULT_CODECS,
  type Direction,
  type LocalMedia,
  type MediaDescription,
  type NegotiatedMedia,
  type SdpRejection,
  type SessionDescription,
} from './types.js';

const REVERSE: Record<Direction, Direction> = {
  sendrecv: 'sendrecv',
  sendonly: 'recvonly',
  recvonly: 'sendonly',
  inactive: 'inactive',
};

function intersect(a: Direction, b: Direction): Direction {
  const send = a !== 'recvonly' && a !== 'inactive' && b !== 'recvonly' && b !== 'inactive';
  const recv = a !== 'sendonly' && a !== 'inactive' && b !== 'sendonly' && b !== 'inactive';
  return send && recv ? 'sendrecv' : send ? 'sendonly' : recv ? 'recvonly' : 'inactive';
}

function isAudioCodec(c: Codec): c is Codec & { payloadType: 0 | 8 } {
  return (
    c.clockRate === 8000 &&
    ((c.name.toUpperCase() === 'PCMU' && c.payloadType === 0) ||
      (c.name.toUpperCase() === 'PCMA' && c.payloadType === 8))
  );
}

function isEvent(c: Codec): boolean {
  return c.name.toLowerCase() === 'telephone-event' && c.clockRate === 8000;
}

function ipVersion(address: string): 'IP4' | 'IP6' {
  return address.includes(':') ? 'IP6' : 'IP4';
}

function randomSessionId(): string {
  return String(Math.floor(Math.random() * 2 ** 31) + 1);
}

function buildSdp(local: LocalMedia, mediaLines: string[]): string {
  const v = ipVersion(local.address);
  const lines = [
    'v=0',
    `o=patchbay ${local.sessionId ?? randomSessionId()} ${local.sessionVersion ?? 1} IN ${v} ${local.address}`,
    's=patchbay',
    `c=IN ${v} ${local.address}`,
    't=0 0',
    ...mediaLines,
  ];
  return `${lines.join('\r\n')}\r\n`;
}

function audioLines(port: number, codecs: readonly Codec[], direction: Direction): string[] {
  const lines = [`m=audio ${port} RTP/AVP ${codecs.map((c) => c.payloadType).join(' ')}`];
  for (const c of codecs) {
    lines.push(`a=rtpmap:${c.payloadType} ${c.name}/${c.clockRate}`);
    if (c.fmtp !== undefined) lines.push(`a=fmtp:${c.payloadType} ${c.fmtp}`);
  }
  lines.push('a=ptime:20', `a=${direction}`);
  return lines;
}

/** Our offer: one audio stream with our codecs (PCMU, PCMA, telephone-event/8000 as 101 by default). */
export function createOffer(local: LocalMedia): string {
  return buildSdp(local, audioLines(local.port, local.codecs ?? DEFAULT_CODECS, local.direction ?? 'sendrecv'));
}

function firstAudio(sdp: SessionDescription): MediaDescription | undefined {
  return sdp.media.find((m) => m.type === 'audio' && m.port !== 0 && m.protocol.toUpperCase() === 'RTP/AVP');
}

function remoteOf(sdp: SessionDescription, m: MediaDescription): { address: string; port: number; held: boolean } {
  const address = m.address ?? sdp.address ?? '0.0.0.0';
  return { address, port: m.port, held: address === '0.0.0.0' || address === '::' };
}

/** Answers a remote offer, or says why it must be rejected with 488. Throws `SdpParseError` on garbage. */
export function answerOffer(offer: string, local: LocalMedia): { sdp: string; media: NegotiatedMedia } | SdpRejection {
  const sdp = parseSdp(offer);
  const audio = firstAudio(sdp);
  if (!audio) return { reject: 488, reason: 'no RTP/AVP audio stream offered', warning: 304 };
  const ours = local.codecs ?? DEFAULT_CODECS;
  const codec = audio.codecs.find(
    (c) => isAudioCodec(c) && ours.some((o) => isAudioCodec(o) && o.payloadType === c.payloadType),
  );
  if (!codec || !isAudioCodec(codec))
    return { reject: 488, reason: 'no common audio codec (PCMU or PCMA)', warning: 305 };
  const event = ours.some(isEvent) ? audio.codecs.find(isEvent) : undefined;
  const remote = remoteOf(sdp, audio);
  const offered = audio.direction ?? sdp.direction ?? 'sendrecv';
  let direction = intersect(REVERSE[offered], local.direction ?? 'sendrecv');
  if (remote.held) direction = intersect(direction, 'recvonly');
  const answerCodecs: Codec[] = [codec, ...(event ? [{ ...event, fmtp: event.fmtp ?? '0-16' }] : [])];
  const mediaLines: string[] = [];
  for (const m of sdp.media) {
    if (m === audio) mediaLines.push(...audioLines(local.port, answerCodecs, direction));
    else mediaLines.push(`m=${m.type} 0 ${m.protocol} ${m.formats.join(' ')}`);
  }
  const media: NegotiatedMedia = {
    remote: { address: remote.address, port: remote.port },
    payloadType: codec.payloadType,
    ptime: 20,
    direction,
    ...(event ? { telephoneEvent: event.payloadType } : {}),
  };
  return { sdp: buildSdp(local, mediaLines), media };
}

/** Reads the answer to our offer (the offer text or its parse). Throws `SdpParseError` on garbage. */
export function readAnswer(answer: string, offered: string | SessionDescription): NegotiatedMedia | SdpRejection {
  const sdp = parseSdp(answer);
  const offer = typeof offered === 'string' ? parseSdp(offered) : offered;
  const ourAudio = firstAudio(offer);
  const audio = firstAudio(sdp);
  if (!audio || !ourAudio) return { reject: 488, reason: 'the answer rejected the audio stream', warning: 304 };
  const codec = audio.codecs.find(
    (c) => isAudioCodec(c) && ourAudio.codecs.some((o) => o.payloadType === c.payloadType),
  );
  if (!codec || !isAudioCodec(codec))
    return { reject: 488, reason: 'the answer chose a codec we did not offer', warning: 305 };
  const event = audio.codecs.find((c) => isEvent(c) && ourAudio.codecs.some((o) => isEvent(o)));
  const remote = remoteOf(sdp, audio);
  const ourDirection = ourAudio.direction ?? offer.direction ?? 'sendrecv';
  let direction = intersect(REVERSE[audio.direction ?? sdp.direction ?? 'sendrecv'], ourDirection);
  if (remote.held) direction = intersect(direction, 'recvonly');
  return {
    remote: { address: remote.address, port: remote.port },
    payloadType: codec.payloadType,
    ptime: 20,
    direction,
    ...(event ? { telephoneEvent: event.payloadType } : {}),
  };
}
