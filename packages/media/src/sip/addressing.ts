/**
 * Where SIP messages come from and go (RFC 3261 §18, RFC 3581): the addresses a transport binds
 * and reports, what a request's top Via is stamped with on arrival (`received`, `rport`), and
 * where a response goes when the connection it came on is gone. Pure, so the rules are tested
 * without sockets; `SipTransport` (transport.ts) does the I/O.
 *
 * @example
 * stampVia(request, source); // on arrival
 * transport.send(response, replyDestination(response, source));
 */
import { formatVia, parseVia } from './headers.js';
import type { SipMessage, SipResponse } from './message.js';

export type TransportName = 'udp' | 'tcp' | 'tls';

export interface ListenSpec {
  transport: TransportName;
  host: string;
  /** 0 picks a free port. */
  port: number;
  cert?: string;
  key?: string;
}

export interface BoundAddress {
  transport: TransportName;
  host: string;
  port: number;
}

/** Where a message came from; `flowId` names the TCP/TLS connection it arrived on. */
export interface Source {
  transport: TransportName;
  address: string;
  port: number;
  local: BoundAddress;
  flowId?: string;
}

export interface Destination {
  transport: TransportName;
  host: string;
  port: number;
  flowId?: string;
}

/** Notes on a request's top Via where it really came from (`received`, and `rport` when asked, RFC 3581). */
export function stampVia(request: SipMessage, source: Source): void {
  const via = parseVia(request.headers.get('via') ?? '');
  if (via.host !== source.address || 'rport' in via.params) via.params.received = source.address;
  if ('rport' in via.params) via.params.rport = String(source.port);
  request.headers.replaceFirst('via', formatVia(via));
}

/** Where a response goes without its connection: the top Via's received/rport, else sent-by (§18.2.2). */
export function replyDestination(response: SipResponse, source: Source): Destination {
  let host = source.address;
  let port = source.port;
  try {
    const via = parseVia(response.headers.get('via') ?? '');
    host = via.params.received ?? via.host;
    const rport = via.params.rport;
    port = rport ? Number(rport) : (via.port ?? 5060);
    // The connection is gone: open a new one to the sent-by port (§18.2.2), not the ephemeral source port.
    if (source.transport !== 'udp') port = via.port ?? (source.transport === 'tls' ? 5061 : 5060);
  } catch {
    // Unparseable Via: answer the packet's source.
  }
  return { transport: source.transport, host, port };
}
