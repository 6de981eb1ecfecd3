/**
 * Checking a transport's options once, with typed errors, and the ICE server list in the forms
 * the drivers take.
 *
 * @example
 * const options = checkOptions({ bindAddress: '127.0.0.1', portRange: [43000, 43999] });
 */
import { isIP } from 'node:net';
import { WebRtcError } from './errors.js';
import type { IceServer, WebRtcTransportOptions } from './transport.js';

export function checkOptions(options: WebRtcTransportOptions): WebRtcTransportOptions {
  const [lo, hi] = options.portRange;
  if (!isIP(options.bindAddress)) {
    throw new WebRtcError(
      'invalid-options',
      `bindAddress ${options.bindAddress} is not an IP address`,
      'WebRtcTransport',
    );
  }
  if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < 1024 || hi > 65535 || hi <= lo) {
    throw new WebRtcError('invalid-options', `bad port range ${lo}-${hi}`, 'WebRtcTransport');
  }
  if (options.publicAddress !== undefined && !isIP(options.publicAddress)) {
    throw new WebRtcError(
      'invalid-options',
      `publicAddress ${options.publicAddress} is not an IP address`,
      'WebRtcTransport',
    );
  }
  const timeout = options.connectTimeoutMs;
  if (timeout !== undefined && !(timeout >= 100 && timeout <= 120_000)) {
    throw new WebRtcError('invalid-options', 'connectTimeoutMs must be 100..120000', 'WebRtcTransport');
  }
  return options;
}

/**
 * Patchbay's description as devices should see it: with `publicAddress`, every host candidate
 * (and the connection line) names it instead of the address the socket is bound to; candidates
 * that become the same (one socket on several interfaces) are kept once.
 */
export function announced(sdp: string, options: WebRtcTransportOptions): string {
  const pub = options.publicAddress;
  if (pub === undefined) return sdp;
  const family = isIP(pub) === 6 ? 'IP6' : 'IP4';
  const seen = new Set<string>();
  return sdp
    .split('\r\n')
    .flatMap((line) => {
      if (line.startsWith('c=IN ')) return [`c=IN ${family} ${pub}`];
      const candidate = /^(a=candidate:\S+ \d+ \S+ \d+ )(\S+)( \d+ typ host.*)$/i.exec(line);
      if (!candidate) return [line];
      const key = `${candidate[3]}`;
      if (seen.has(key)) return [];
      seen.add(key);
      return [`${candidate[1]}${pub}${candidate[3]}`];
    })
    .join('\r\n');
}

/** `turn:user:pass@host:port` as libdatachannel reads it. */
export function iceServerUrls(servers: readonly IceServer[] | undefined): string[] {
  return (servers ?? []).map((s) => {
    if (!s.username) return s.urls;
    const [scheme, rest] = s.urls.split(/:(.*)/s) as [string, string];
    return `${scheme}:${encodeURIComponent(s.username)}:${encodeURIComponent(s.credential ?? '')}@${rest}`;
  });
}
