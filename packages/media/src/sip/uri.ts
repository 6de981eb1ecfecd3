/**
 * SIP URIs and name-addr values (RFC 3261 §19.1, §25.1), parsed into plain data and written back.
 * `<Dial><Sip>` targets carry user parameters and `?X-Header=v` custom headers, so both survive a
 * round trip; parameters without a value are `null`.
 *
 * @example
 * const uri = parseUri('sip:+15551234567;npdi@pbx.example.com:5080;transport=tcp?X-Account=42');
 * uri.headers['X-Account'] // '42'
 * formatUri({ ...uri, headers: {} }) // 'sip:+15551234567;npdi@pbx.example.com:5080;transport=tcp'
 */
import { SipParseError } from './errors.js';

export type Params = Record<string, string | null>;

export interface SipUri {
  scheme: 'sip' | 'sips';
  user?: string;
  password?: string;
  /** Parameters inside the user part (`;npdi`, `;rn=...`), telephone-subscriber style. */
  userParams: Params;
  host: string;
  port?: number;
  params: Params;
  headers: Record<string, string>;
}

export interface NameAddr {
  displayName?: string;
  uri: SipUri;
  /** Header parameters after the address (`tag`, `expires`, `q`). */
  params: Params;
}

const MAX_URI = 2048;

function decode(s: string, where: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new SipParseError('sip-bad-uri', `bad escape in ${JSON.stringify(s.slice(0, 40))}`, where);
  }
}

/** Parses `;a=b;c` into a record; names lowercased (they are case-insensitive). */
export function parseParams(text: string, where = 'params'): Params {
  const params: Params = {};
  for (const part of text.split(';')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    const name = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
    if (name === '') throw new SipParseError('sip-bad-uri', 'empty parameter name', where);
    params[name] = eq < 0 ? null : part.slice(eq + 1).trim();
  }
  return params;
}

export function formatParams(params: Params): string {
  let out = '';
  for (const [k, v] of Object.entries(params)) out += v === null ? `;${k}` : `;${k}=${v}`;
  return out;
}

/** Parses a sip: or sips: URI; throws `SipParseError` ('sip-bad-uri') otherwise. */
export function parseUri(text: string, where = 'uri'): SipUri {
  const s = text.trim();
  if (s.length > MAX_URI) throw new SipParseError('sip-bad-uri', 'URI too long', where);
  const m = /^(sips?):(.+)$/i.exec(s);
  if (!m?.[1] || !m[2])
    throw new SipParseError('sip-bad-uri', `not a sip URI: ${JSON.stringify(s.slice(0, 60))}`, where);
  const scheme = m[1].toLowerCase() as 'sip' | 'sips';
  let rest = m[2];
  const headers: Record<string, string> = {};
  const q = rest.indexOf('?');
  if (q >= 0) {
    for (const pair of rest.slice(q + 1).split('&')) {
      if (pair === '') continue;
      const eq = pair.indexOf('=');
      const name = decode(eq < 0 ? pair : pair.slice(0, eq), where);
      headers[name] = eq < 0 ? '' : decode(pair.slice(eq + 1), where);
    }
    rest = rest.slice(0, q);
  }
  const uri: SipUri = { scheme, userParams: {}, host: '', params: {}, headers };
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    let userinfo = rest.slice(0, at);
    rest = rest.slice(at + 1);
    const colon = userinfo.indexOf(':');
    if (colon >= 0) {
      uri.password = decode(userinfo.slice(colon + 1), where);
      userinfo = userinfo.slice(0, colon);
    }
    const semi = userinfo.indexOf(';');
    if (semi >= 0) {
      uri.userParams = parseParams(userinfo.slice(semi + 1), where);
      userinfo = userinfo.slice(0, semi);
    }
    if (userinfo === '') throw new SipParseError('sip-bad-uri', 'empty user part', where);
    uri.user = decode(userinfo, where);
  }
  const semi = rest.indexOf(';');
  if (semi >= 0) {
    uri.params = parseParams(rest.slice(semi + 1), where);
    rest = rest.slice(0, semi);
  }
  const hp = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+)(?::(\d{1,5}))?$/.exec(rest);
  if (!hp?.[1]) throw new SipParseError('sip-bad-uri', `bad host ${JSON.stringify(rest.slice(0, 60))}`, where);
  uri.host = hp[1].toLowerCase();
  if (hp[2] !== undefined) {
    const port = Number(hp[2]);
    if (port < 1 || port > 65535) throw new SipParseError('sip-bad-uri', `bad port ${port}`, where);
    uri.port = port;
  }
  return uri;
}

const USER_SAFE = /[^A-Za-z0-9\-_.!~*'()&=+$,/]/g;
const HEADER_SAFE = /[^A-Za-z0-9\-_.!~*'()[\]/?:+$]/g;
const escapeChars = (s: string, re: RegExp) => s.replace(re, (c) => encodeURIComponent(c));

export function formatUri(uri: SipUri): string {
  let out = `${uri.scheme}:`;
  if (uri.user !== undefined) {
    out += escapeChars(uri.user, USER_SAFE).replace(/;/g, '%3B');
    out += formatParams(uri.userParams);
    if (uri.password !== undefined) out += `:${escapeChars(uri.password, USER_SAFE)}`;
    out += '@';
  }
  out += uri.host;
  if (uri.port !== undefined) out += `:${uri.port}`;
  out += formatParams(uri.params);
  const hs = Object.entries(uri.headers);
  if (hs.length > 0)
    out += `?${hs.map(([k, v]) => `${escapeChars(k, HEADER_SAFE)}=${escapeChars(v, HEADER_SAFE)}`).join('&')}`;
  return out;
}

/** Parses `"Alice" <sip:a@b>;tag=1`, `<sip:a@b>` or a bare `sip:a@b;tag=1` (params go to the header). */
export function parseNameAddr(text: string, where = 'name-addr'): NameAddr {
  const s = text.trim();
  let displayName: string | undefined;
  let rest = s;
  if (s.startsWith('"')) {
    let i = 1;
    let name = '';
    for (; i < s.length && s[i] !== '"'; i++) {
      if (s[i] === '\\' && i + 1 < s.length) i++;
      name += s[i];
    }
    if (i >= s.length) throw new SipParseError('sip-bad-uri', 'unterminated display name', where);
    displayName = name;
    rest = s.slice(i + 1).trim();
  }
  const lt = rest.indexOf('<');
  if (lt >= 0) {
    const gt = rest.indexOf('>', lt);
    if (gt < 0) throw new SipParseError('sip-bad-uri', 'missing >', where);
    const before = rest.slice(0, lt).trim();
    if (displayName === undefined && before !== '') displayName = before;
    const out: NameAddr = {
      uri: parseUri(rest.slice(lt + 1, gt), where),
      params: parseParams(rest.slice(gt + 1), where),
    };
    if (displayName !== undefined) out.displayName = displayName;
    return out;
  }
  if (displayName !== undefined) throw new SipParseError('sip-bad-uri', 'display name without <uri>', where);
  const semi = rest.indexOf(';');
  const uriText = semi < 0 ? rest : rest.slice(0, semi);
  return { uri: parseUri(uriText, where), params: semi < 0 ? {} : parseParams(rest.slice(semi + 1), where) };
}

export function formatNameAddr(na: NameAddr): string {
  const name = na.displayName !== undefined ? `"${na.displayName.replace(/["\\]/g, (c) => `\\${c}`)}" ` : '';
  return `${name}<${formatUri(na.uri)}>${formatParams(na.params)}`;
}

/** A URI for `target`: a sip:/sips: URI as is, otherwise `user@host` or an E.164 user part on `host`. */
export function toUri(target: string, host: string): SipUri {
  if (/^sips?:/i.test(target)) return parseUri(target);
  const at = target.indexOf('@');
  return at >= 0
    ? parseUri(`sip:${target}`)
    : { scheme: 'sip', user: target, userParams: {}, host, params: {}, headers: {} };
}
