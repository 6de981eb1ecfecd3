/**
 * A trunk's target: the `sip:` (or `sips:`) URI calls to a carrier are sent to, and the host
 * whose address marks calls from that carrier. Parsed strictly (a host, an optional port from 1 to
 * 65535, optional parameters), so a typo is refused when it is written, not when a call fails.
 *
 * @example
 * parseSipTarget('sip:pbx.example.com:5080;transport=tcp'); // { host: 'pbx.example.com', port: 5080, ... }
 */
import { lookup } from 'node:dns/promises';
import { ipv4 } from './addresses.js';

export interface SipTarget {
  readonly uri: string;
  readonly secure: boolean;
  readonly user?: string;
  /** Lower case. */
  readonly host: string;
  readonly port?: number;
}

const TARGET =
  /^(sips?):(?:([^@\s:;]+)@)?(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*)(?::(\d{1,5}))?(;[^\s?]*)?$/;

/** The target, or undefined when `text` is not a `sip:`/`sips:` URI with a host. */
export function parseSipTarget(text: string): SipTarget | undefined {
  const match = TARGET.exec(text.trim());
  if (!match) return undefined;
  const [, scheme, user, host = '', portText] = match;
  const port = portText === undefined ? undefined : Number(portText);
  if (port !== undefined && !(port >= 1 && port <= 65_535)) return undefined;
  return {
    uri: text.trim(),
    secure: scheme === 'sips',
    host: host.toLowerCase(),
    ...(user === undefined ? {} : { user }),
    ...(port === undefined ? {} : { port }),
  };
}

/** The host's IPv4 address (itself when it is one), or undefined when it does not resolve within `timeoutMs`. */
export async function resolveHost(host: string, timeoutMs = 2000): Promise<string | undefined> {
  if (ipv4(host) !== undefined) return host;
  if (host.startsWith('[')) return undefined;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), timeoutMs);
  });
  try {
    return await Promise.race([lookup(host, { family: 4 }).then((found) => found.address), late]);
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}
