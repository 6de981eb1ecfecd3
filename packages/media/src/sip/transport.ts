/**
 * SIP transports (RFC 3261 §18, RFC 3581): UDP sockets and TCP/TLS servers and connections,
 * delivering parsed messages with their `Source`. Requests get `received`/`rport` stamped on
 * their top Via, and responses go back where the request really came from (the connection it
 * arrived on, or the Via's received/rport address), so phones behind NAT hear us.
 *
 * @example
 * const t = await SipTransport.start([{ transport: 'udp', host: '127.0.0.1', port: 0 }], { maxMessageBytes: 65536 });
 * t.on('message', (msg, source) => ...);
 * t.send(request, { transport: 'udp', host: '127.0.0.2', port: 5060 });
 */
import dgram from 'node:dgram';
import net from 'node:net';
import tls from 'node:tls';
import { EventEmitter } from 'eventemitter3';
import {
  type BoundAddress,
  type Destination,
  type ListenSpec,
  replyDestination,
  type Source,
  stampVia,
  type TransportName,
} from './addressing.js';
import { SipError, SipParseError } from './errors.js';
import { StreamFramer } from './framing.js';
import { parseMessage, type SipMessage, type SipResponse, serialize } from './message.js';

export type { BoundAddress, Destination, ListenSpec, Source, TransportName };

interface TransportEvents {
  message: (message: SipMessage, source: Source) => void;
  malformed: (error: SipParseError, source: Source) => void;
  error: (error: SipError) => void;
}

const MAX_CONNECTIONS = 1024;

export class SipTransport extends EventEmitter<TransportEvents> {
  private readonly udp: Array<{ socket: dgram.Socket; bound: BoundAddress }> = [];
  private readonly servers: Array<{ server: net.Server; bound: BoundAddress }> = [];
  private readonly flows = new Map<string, { socket: net.Socket; local: BoundAddress }>();
  private closed = false;

  private constructor(
    private readonly maxBytes: number,
    private readonly tlsVerify: boolean,
    private readonly tlsCa: string | undefined,
  ) {
    super();
  }

  static async start(
    listen: readonly ListenSpec[],
    options: { maxMessageBytes: number; tlsVerify?: boolean; tlsCa?: string },
  ): Promise<SipTransport> {
    const t = new SipTransport(options.maxMessageBytes, options.tlsVerify ?? true, options.tlsCa);
    try {
      for (const spec of listen) await t.listen(spec);
    } catch (cause) {
      await t.close();
      throw new SipError('sip-transport', `cannot listen: ${(cause as Error).message}`, 'transport.start', { cause });
    }
    return t;
  }

  get addresses(): BoundAddress[] {
    return [...this.udp.map((u) => u.bound), ...this.servers.map((s) => s.bound)];
  }

  /** The local address messages on `transport` are sent from (for Via and Contact). */
  local(transport: TransportName): BoundAddress {
    const found = this.addresses.find((a) => a.transport === transport) ?? this.addresses[0];
    if (!found) throw new SipError('sip-transport', 'no transport bound', 'transport.local');
    return found;
  }

  private async listen(spec: ListenSpec): Promise<void> {
    if (spec.transport === 'udp') {
      const socket = dgram.createSocket(net.isIPv6(spec.host) ? 'udp6' : 'udp4');
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind(spec.port, spec.host, () => {
          socket.off('error', reject);
          resolve();
        });
      });
      const bound: BoundAddress = { transport: 'udp', host: spec.host, port: socket.address().port };
      socket.on('message', (buf, rinfo) =>
        this.receive(buf, { transport: 'udp', address: rinfo.address, port: rinfo.port, local: bound }),
      );
      socket.on('error', (cause) => this.emit('error', new SipError('sip-transport', cause.message, 'udp', { cause })));
      this.udp.push({ socket, bound });
      return;
    }
    if (spec.transport === 'tls' && (!spec.cert || !spec.key))
      throw new SipError('sip-transport', 'tls needs cert and key', 'transport.listen');
    const onConnection = (socket: net.Socket) => this.adopt(socket, bound);
    const server =
      spec.transport === 'tls'
        ? tls.createServer({ cert: spec.cert, key: spec.key }, onConnection)
        : net.createServer(onConnection);
    server.maxConnections = MAX_CONNECTIONS;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(spec.port, spec.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (cause) =>
      this.emit('error', new SipError('sip-transport', cause.message, spec.transport, { cause })),
    );
    const addr = server.address() as net.AddressInfo;
    const bound: BoundAddress = { transport: spec.transport, host: spec.host, port: addr.port };
    this.servers.push({ server, bound });
  }

  private adopt(socket: net.Socket, local: BoundAddress): string {
    const transport = local.transport;
    const flowId = `${transport}:${socket.remoteAddress}:${socket.remotePort}`;
    this.flows.set(flowId, { socket, local });
    const framer = new StreamFramer(this.maxBytes);
    const source: Source = {
      transport,
      address: socket.remoteAddress ?? '',
      port: socket.remotePort ?? 0,
      local,
      flowId,
    };
    socket.on('data', (chunk: Buffer) => {
      let messages: Buffer[];
      try {
        messages = framer.push(chunk);
      } catch (e) {
        if (e instanceof SipParseError) this.emit('malformed', e, source);
        socket.destroy();
        return;
      }
      for (const m of messages) this.receive(m, source);
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.flows.delete(flowId));
    socket.setNoDelay(true);
    return flowId;
  }

  private receive(buf: Buffer, source: Source): void {
    if (this.closed) return;
    let message: SipMessage;
    try {
      message = parseMessage(buf, { maxBytes: this.maxBytes });
    } catch (e) {
      if (e instanceof SipParseError) {
        // Its 400 or 513 goes where the packet came from, as any response does (RFC 3581).
        if (e.partial) {
          try {
            stampVia(e.partial, source);
          } catch {
            // An unreadable Via: the answer goes to the packet's source anyway (see respond).
          }
        }
        this.emit('malformed', e, source);
      } else
        this.emit(
          'error',
          new SipError('sip-transport', 'unexpected parser failure', 'transport.receive', { cause: e }),
        );
      return;
    }
    if (message.kind === 'request') {
      try {
        stampVia(message, source);
      } catch (e) {
        if (e instanceof SipParseError)
          this.emit('malformed', new SipParseError(e.code, e.message, 'header Via', message), source);
        return;
      }
    }
    this.emit('message', message, source);
  }

  /**
   * Sends a message to `dest`, over the given flow or a new connection. `onError` hears a failed
   * send or connection (RFC 3261 §8.1.3.1: the transaction treats it as a 503).
   */
  send(message: SipMessage, dest: Destination, onError?: (error: SipError) => void): void {
    if (this.closed) throw new SipError('sip-closed', 'transport closed', 'transport.send');
    const bytes = serialize(message);
    if (dest.transport === 'udp') {
      // The socket of the destination's family: an IPv4 socket cannot reach [::1].
      const u = this.udp.find((x) => net.isIPv6(x.bound.host) === net.isIPv6(dest.host)) ?? this.udp[0];
      if (!u) throw new SipError('sip-transport', 'no UDP socket', 'transport.send');
      u.socket.send(bytes, dest.port, dest.host, (err) => {
        if (!err) return;
        const error = new SipError('sip-transport', err.message, `udp ${dest.host}:${dest.port}`, { cause: err });
        this.emit('error', error);
        onError?.(error);
      });
      return;
    }
    const flow =
      (dest.flowId && this.flows.get(dest.flowId)) || this.flows.get(`${dest.transport}:${dest.host}:${dest.port}`);
    if (flow && !flow.socket.destroyed) {
      flow.socket.write(bytes);
      return;
    }
    const local = this.local(dest.transport);
    // From the address we listen on (not whichever the OS picks), so peers that admit by source address see ours.
    const sameFamily = net.isIP(dest.host) !== 0 && net.isIPv6(dest.host) === net.isIPv6(local.host);
    const from = sameFamily && local.host !== '0.0.0.0' && local.host !== '::' ? { localAddress: local.host } : {};
    const socket =
      dest.transport === 'tls'
        ? tls.connect({
            host: dest.host,
            port: dest.port,
            ...from,
            rejectUnauthorized: this.tlsVerify,
            ...(this.tlsCa ? { ca: this.tlsCa } : {}),
            servername: net.isIP(dest.host) ? '' : dest.host,
          })
        : net.connect({ host: dest.host, port: dest.port, ...from });
    const flowId = `${dest.transport}:${dest.host}:${dest.port}`;
    socket.on('error', (err) => {
      const error = new SipError('sip-transport', err.message, `${dest.transport} ${dest.host}:${dest.port}`, {
        cause: err,
      });
      this.emit('error', error);
      onError?.(error);
    });
    socket.on('close', () => {
      if (this.flows.get(flowId)?.socket === socket) this.flows.delete(flowId);
    });
    this.flows.set(flowId, { socket, local });
    socket.once(dest.transport === 'tls' ? 'secureConnect' : 'connect', () => this.adopt(socket, local));
    socket.write(bytes);
  }

  /** Sends a response where its request came from: the flow, else the top Via's received/rport (§18.2.2). */
  respond(response: SipResponse, source: Source): void {
    if (this.closed) return;
    if (source.flowId && this.flows.has(source.flowId)) {
      this.send(response, {
        transport: source.transport,
        host: source.address,
        port: source.port,
        flowId: source.flowId,
      });
      return;
    }
    this.send(response, replyDestination(response, source));
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const { socket } of this.flows.values()) socket.destroy();
    this.flows.clear();
    await Promise.all([
      ...this.udp.map(({ socket }) => new Promise<void>((resolve) => socket.close(() => resolve()))),
      ...this.servers.map(({ server }) => new Promise<void>((resolve) => server.close(() => resolve()))),
    ]);
    this.udp.length = 0;
    this.servers.length = 0;
  }
}
