/**
 * A bounded SDP parser (RFC 4566): line by line, at most `MAX_SDP_BYTES`, `MAX_LINES` lines and
 * `MAX_MEDIA` m= sections; anything not `x=value` or a structurally broken o=, c= or m= line is an
 * `SdpParseError` with the line number. Unknown lines are skipped as the RFC allows.
 *
 * @example
 * const sdp = parseSdp(invite.body); // sdp.media[0].codecs, sdp.media[0].port
 */
import { type Codec, type Direction, type MediaDescription, SdpParseError, type SessionDescription } from './types.js';

export const MAX_SDP_BYTES = 16_384;
const MAX_LINES = 400;
const MAX_MEDIA = 16;
const MAX_FORMATS = 64;
const DIRECTIONS = new Set(['sendrecv', 'sendonly', 'recvonly', 'inactive']);
const STATIC: Record<string, Codec> = {
  '0': { payloadType: 0, name: 'PCMU', clockRate: 8000 },
  '8': { payloadType: 8, name: 'PCMA', clockRate: 8000 },
};

interface MutableMedia {
  type: string;
  port: number;
  protocol: string;
  formats: string[];
  address?: string;
  direction?: Direction;
  ptime?: number;
  rtpmap: Map<number, { name: string; clockRate: number }>;
  fmtp: Map<number, string>;
}

function parseAddress(value: string, line: number): string {
  const parts = value.split(' ');
  if (parts.length < 3 || parts[0] !== 'IN' || (parts[1] !== 'IP4' && parts[1] !== 'IP6') || !parts[2]) {
    throw new SdpParseError('sdp-malformed', `bad connection line "${value.slice(0, 80)}"`, `line ${line}`);
  }
  return (parts[2] as string).split('/')[0] as string;
}

export function parseSdp(text: string): SessionDescription {
  if (typeof text !== 'string') throw new SdpParseError('sdp-malformed', 'SDP is not text');
  if (text.length > MAX_SDP_BYTES) throw new SdpParseError('sdp-too-large', `SDP of ${text.length} characters`);
  const lines = text.split(/\r?\n/);
  if (lines.length > MAX_LINES) throw new SdpParseError('sdp-too-large', `SDP of ${lines.length} lines`);
  let origin: SessionDescription['origin'] | undefined;
  let sessionName = '';
  let address: string | undefined;
  let direction: Direction | undefined;
  const media: MutableMedia[] = [];
  let sawVersion = false;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] as string;
    const n = i + 1;
    if (raw === '') continue;
    if (raw.length < 2 || raw[1] !== '=')
      throw new SdpParseError('sdp-malformed', `not a type=value line`, `line ${n}`);
    const type = raw[0];
    const value = raw.slice(2).trim();
    const current = media[media.length - 1];
    if (!sawVersion) {
      if (type !== 'v' || value !== '0')
        throw new SdpParseError('sdp-malformed', 'SDP must start with v=0', `line ${n}`);
      sawVersion = true;
      continue;
    }
    switch (type) {
      case 'o': {
        const p = value.split(' ');
        if (p.length !== 6) throw new SdpParseError('sdp-malformed', 'bad origin line', `line ${n}`);
        origin = {
          username: p[0] as string,
          sessionId: p[1] as string,
          sessionVersion: p[2] as string,
          address: p[5] as string,
        };
        break;
      }
      case 's':
        sessionName = value;
        break;
      case 'c':
        if (current) current.address = parseAddress(value, n);
        else address = parseAddress(value, n);
        break;
      case 'm': {
        if (media.length >= MAX_MEDIA)
          throw new SdpParseError('sdp-too-large', `more than ${MAX_MEDIA} media`, `line ${n}`);
        const p = value.split(' ');
        const port = Number.parseInt((p[1] ?? '').split('/')[0] as string, 10);
        if (
          p.length < 4 ||
          !/^\d+(\/\d+)?$/.test(p[1] ?? '') ||
          !(port >= 0 && port <= 65535) ||
          p.length > MAX_FORMATS + 3
        ) {
          throw new SdpParseError('sdp-malformed', `bad media line "${value.slice(0, 80)}"`, `line ${n}`);
        }
        media.push({
          type: p[0] as string,
          port,
          protocol: p[2] as string,
          formats: p.slice(3),
          rtpmap: new Map(),
          fmtp: new Map(),
        });
        break;
      }
      case 'a': {
        const colon = value.indexOf(':');
        const name = colon < 0 ? value : value.slice(0, colon);
        const arg = colon < 0 ? '' : value.slice(colon + 1);
        if (DIRECTIONS.has(name)) {
          if (current) current.direction = name as Direction;
          else direction = name as Direction;
        } else if (current && name === 'rtpmap') {
          const m = /^(\d{1,3})\s+([^/\s]+)\/(\d+)/.exec(arg);
          if (m) current.rtpmap.set(Number(m[1]), { name: m[2] as string, clockRate: Number(m[3]) });
        } else if (current && name === 'fmtp') {
          const m = /^(\d{1,3})\s+(.*)$/.exec(arg);
          if (m) current.fmtp.set(Number(m[1]), (m[2] as string).slice(0, 200));
        } else if (current && name === 'ptime') {
          const ptime = Number.parseInt(arg, 10);
          if (ptime > 0 && ptime <= 200) current.ptime = ptime;
        }
        break;
      }
      default:
        break;
    }
  }
  if (!sawVersion) throw new SdpParseError('sdp-malformed', 'empty SDP');
  if (!origin) throw new SdpParseError('sdp-malformed', 'no origin (o=) line');
  return {
    origin,
    sessionName,
    ...(address !== undefined ? { address } : {}),
    ...(direction !== undefined ? { direction } : {}),
    media: media.map(toDescription),
  };
}

function toDescription(m: MutableMedia): MediaDescription {
  const codecs: Codec[] = [];
  for (const f of m.formats) {
    const pt = Number(f);
    if (!/^\d{1,3}$/.test(f) || pt > 127) continue;
    const map = m.rtpmap.get(pt);
    const base = map ? { payloadType: pt, name: map.name, clockRate: map.clockRate } : STATIC[f];
    if (!base) continue;
    const fmtp = m.fmtp.get(pt);
    codecs.push(fmtp === undefined ? base : { ...base, fmtp });
  }
  return {
    type: m.type,
    port: m.port,
    protocol: m.protocol,
    formats: m.formats,
    codecs,
    ...(m.address !== undefined ? { address: m.address } : {}),
    ...(m.direction !== undefined ? { direction: m.direction } : {}),
    ...(m.ptime !== undefined ? { ptime: m.ptime } : {}),
  };
}
