/**
 * The transaction layer between the transports and the user-agent cores: matches responses to
 * client transactions (branch + method, §17.1.3) and requests to server transactions (branch +
 * sent-by + method, §17.2.3), absorbs retransmissions, and hands new requests upward with their
 * server transaction. Also builds the pieces every request needs (Via, tags, Call-ID, Contact).
 *
 * @example
 * const core = new SipCore(transport, { timers, config, publicAddress, userAgent });
 * core.on('request', (req, tx) => tx.respond(buildResponse(req, 200)));
 * core.sendRequest(req, dest, { onResponse, onTimeout });
 */
import { randomBytes } from 'node:crypto';
import { isIPv6 } from 'node:net';
import { networkInterfaces } from 'node:os';
import { EventEmitter } from 'eventemitter3';
import { type ClientHandlers, ClientTransaction } from './client-transaction.js';
import { SipError, type SipParseError } from './errors.js';
import { parseVia } from './headers.js';
import { cseqOf, type SipMessage, type SipRequest, type SipResponse } from './message.js';
import { ServerTransaction, type ServerTransport } from './server-transaction.js';
import type { TimerConfig, Timers } from './timers.js';
import type { Destination, SipTransport, Source, TransportName } from './transport.js';
import { formatUri, type SipUri } from './uri.js';

export const BRANCH_MAGIC = 'z9hG4bK';
/** Most transactions alive at once; beyond it new requests are answered 503 by the agent. */
export const MAX_TRANSACTIONS = 20_000;

function firstAddress(family: 'IPv4' | 'IPv6'): string {
  const all = Object.values(networkInterfaces()).flat();
  const external = all.find((a) => a && a.family === family && !a.internal);
  return external?.address ?? (family === 'IPv4' ? '127.0.0.1' : '::1');
}

const token = (bytes: number) => randomBytes(bytes).toString('hex');

interface CoreEvents {
  /** A new request (not a retransmission), with its server transaction. ACKs come as 'ack'. */
  request: (request: SipRequest, tx: ServerTransaction) => void;
  /** An ACK that matched no INVITE server transaction: the ACK for a 2xx, for the dialog layer. */
  ack: (request: SipRequest, source: Source) => void;
  /** A response that matched no client transaction (a 2xx retransmission after it ended). */
  strayResponse: (response: SipResponse, source: Source) => void;
  malformed: (error: SipParseError, source: Source) => void;
  error: (error: SipError) => void;
}

export interface CoreOptions {
  timers: Timers;
  config: TimerConfig;
  publicAddress?: string;
  userAgent: string;
}

export class SipCore extends EventEmitter<CoreEvents> {
  readonly clients = new Map<string, ClientTransaction>();
  readonly servers = new Map<string, ServerTransaction>();
  readonly ctx: ServerTransport;

  constructor(
    readonly transport: SipTransport,
    readonly options: CoreOptions,
  ) {
    super();
    this.ctx = {
      timers: options.timers,
      config: options.config,
      send: (m, d, onError) => this.safeSend(m, d, onError),
      respond: (r, s) => {
        r.headers.set('server', options.userAgent);
        try {
          transport.respond(r, s);
        } catch (e) {
          this.emit('error', e instanceof SipError ? e : new SipError('sip-transport', String(e), 'respond'));
        }
      },
    };
    transport.on('message', (m, s) => this.receive(m, s));
    transport.on('malformed', (e, s) => this.emit('malformed', e, s));
    transport.on('error', (e) => this.emit('error', e));
  }

  get timers(): Timers {
    return this.options.timers;
  }

  private safeSend(message: SipMessage, dest: Destination, onError?: () => void): void {
    try {
      this.transport.send(message, dest, onError);
    } catch (e) {
      this.emit('error', e instanceof SipError ? e : new SipError('sip-transport', String(e), 'send'));
      onError?.();
    }
  }

  newBranch(): string {
    return `${BRANCH_MAGIC}${token(10)}`;
  }
  newTag(): string {
    return token(6);
  }
  newCallId(): string {
    return `${token(12)}@${this.host('udp')}`;
  }

  /** The host:port we are reachable at on `transport` (publicAddress when behind NAT). */
  host(transport: TransportName): string {
    let host = this.options.publicAddress ?? this.transport.local(transport).host;
    // Bound to every interface: name one a peer can reach (set publicAddress behind NAT).
    if (host === '0.0.0.0' || host === '::') host = firstAddress(host === '::' ? 'IPv6' : 'IPv4');
    return isIPv6(host) ? `[${host}]` : host;
  }

  via(transport: TransportName, branch = this.newBranch()): string {
    const local = this.transport.local(transport);
    return `SIP/2.0/${transport.toUpperCase()} ${this.host(transport)}:${local.port};branch=${branch};rport`;
  }

  contact(transport: TransportName, user = 'patchbay'): SipUri {
    const local = this.transport.local(transport);
    const params: Record<string, string | null> = transport === 'udp' ? {} : { transport };
    return { scheme: 'sip', user, userParams: {}, host: this.host(transport), port: local.port, params, headers: {} };
  }

  contactHeader(transport: TransportName): string {
    return `<${formatUri(this.contact(transport))}>`;
  }

  /** Starts a client transaction; ACKs for 2xx are sent directly (they have no transaction). */
  sendRequest(request: SipRequest, dest: Destination, handlers: ClientHandlers): ClientTransaction {
    request.headers.set('user-agent', this.options.userAgent);
    const branch = /branch=([^;\s]+)/i.exec(request.headers.get('via') ?? '')?.[1] ?? '';
    const key = `${branch}|${request.method === 'ACK' ? 'INVITE' : request.method}`;
    const tx = new ClientTransaction(this.ctx, request, dest, {
      ...handlers,
      onTerminated: () => {
        this.clients.delete(key);
        handlers.onTerminated?.();
      },
    });
    this.clients.set(key, tx);
    tx.start();
    return tx;
  }

  /** Sends without a transaction (ACK for 2xx, 2xx retransmissions go through `respond`). */
  sendStateless(message: SipMessage, dest: Destination): void {
    this.safeSend(message, dest);
  }

  private receive(message: SipMessage, source: Source): void {
    if (message.kind === 'response') {
      const branch = /branch=([^;\s]+)/i.exec(message.headers.get('via') ?? '')?.[1] ?? '';
      const tx = this.clients.get(`${branch}|${cseqOf(message).method}`);
      if (tx) tx.receive(message);
      else this.emit('strayResponse', message, source);
      return;
    }
    let key: string;
    try {
      const via = parseVia(message.headers.get('via') ?? '');
      const method = message.method === 'ACK' ? 'INVITE' : message.method;
      key = `${via.params.branch ?? ''}|${via.host}:${via.port ?? ''}|${method}`;
    } catch {
      return; // the transport already vetted the Via
    }
    const existing = this.servers.get(key);
    if (message.method === 'ACK') {
      if (existing?.finalResponse && existing.finalResponse.status >= 300) existing.receiveAck();
      else this.emit('ack', message, source);
      return;
    }
    if (existing) {
      existing.receiveRetransmission();
      return;
    }
    const tx = new ServerTransaction(this.ctx, message, source, { onTerminated: () => this.servers.delete(key) });
    if (this.servers.size < MAX_TRANSACTIONS) this.servers.set(key, tx);
    this.emit('request', message, tx);
  }

  /** The INVITE server transaction a CANCEL refers to (same branch and sent-by, §9.2). */
  inviteFor(cancel: SipRequest): ServerTransaction | undefined {
    try {
      const via = parseVia(cancel.headers.get('via') ?? '');
      return this.servers.get(`${via.params.branch ?? ''}|${via.host}:${via.port ?? ''}|INVITE`);
    } catch {
      return undefined;
    }
  }

  close(): void {
    for (const tx of [...this.clients.values()]) tx.terminate();
    for (const tx of [...this.servers.values()]) tx.terminate();
  }
}
