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
  const timeout = options.connectTimeoutMs;
  if (timeout !== undefined && !(timeout >= 100 && timeout <= 120_000)) {
    throw new WebRtcError('invalid-options', 'connectTimeoutMs must be 100..120000', 'WebRtcTransport');
  }
  return options;
}

/** `turn:user:pass@host:port` as libdatachannel reads it. */
export function iceServerUrls(servers: readonly IceServer[] | undefined): string[] {
  return (servers ?? []).map((s) => {
    if (!s.username) return s.urls;
    const [scheme, rest] = s.urls.split(/:(.*)/s) as [string, string];
    return `${scheme}:${encodeURIComponent(s.username)}:${encodeURIComponent(s.credential ?? '')}@${rest}`;
  });
}
