/**
 * The SIP user agent the media adapter drives: listens on UDP/TCP/TLS, places and receives calls,
 * answers OPTIONS, registers, and serves REGISTER through a `Registrar`. Incoming requests pass
 * limits and policy in a fixed order: size and syntax (400/513), scanners (503 or drop), loops
 * (483/482), dialogs (481), then `authorize` (digest 401/407, reject) before the application sees
 * them. Written here rather than on npm `sip` (see MEDIA.md): we need typed messages, dialogs,
 * RFC 6026 transactions on an injectable clock, and no surprises about our own address.
 *
 * @example
 * const agent = await SipAgent.start({ listen: [{ transport: 'udp', host: '127.0.0.1', port: 0 }] });
 * agent.on('invite', (call) => call.answer(sdp));
 * const result = await agent.invite('sip:bob@127.0.0.2', { from: '+15550001111', sdp }, signal);
 */
import { EventEmitter } from 'eventemitter3';
import { type AuthDecision, AuthFailures, type AuthorizeFn, authorizeRequest } from './authorize.js';
import { MAX_TRANSACTIONS, SipCore } from './core.js';
import { ALLOW, dialogId, type SipDialog } from './dialog.js';
import { DigestServer } from './digest.js';
import { SipError } from './errors.js';
import { buildResponse, DEFAULT_MAX_MESSAGE_BYTES, type SipRequest, type SipResponse } from './message.js';
import { sendOptions } from './probe.js';
import { RateLimiter } from './rate-limit.js';
import type { Registrar } from './registrar.js';
import { type RegisterOptions, Registration } from './registration.js';
import type { ServerTransaction } from './server-transaction.js';
import { DEFAULT_TIMER_CONFIG, realTimers, type TimerConfig, type Timers } from './timers.js';
import { type BoundAddress, type ListenSpec, SipTransport, type Source } from './transport.js';
import { type InviteOptions, type InviteResult, placeCall } from './uac.js';
import { type IncomingCall, IncomingInvite } from './uas.js';

export type { AuthDecision };

export interface SipAgentOptions {
  listen: ReadonlyArray<ListenSpec>;
  /** Host written into Via sent-by and Contact when behind NAT. */
  publicAddress?: string;
  timers?: Timers;
  /** T1/T2/T4. @default { t1Ms: 500, t2Ms: 4000, t4Ms: 5000 } */
  timerConfig?: Partial<TimerConfig>;
  /** @default 'Patchbay' */
  userAgent?: string;
  /** Larger messages are dropped (UDP) or answered 513 when possible. @default 65536 */
  maxMessageBytes?: number;
  /** Excess requests from one source get 503 + Retry-After, then are dropped. @default unlimited */
  requestsPerSecondPerSource?: number;
  /** Policy for INVITE, REGISTER and OPTIONS outside dialogs. @default allow all */
  authorize?: AuthorizeFn;
  /** Serves REGISTER; without one REGISTER is answered 405. */
  registrar?: Registrar;
  /** Verify TLS peers' certificates on outgoing connections. @default true */
  tlsVerify?: boolean;
  /** Certificate authorities (PEM) trusted for outgoing TLS instead of the system's: a private CA. */
  tlsCa?: string;
}

/** Extensions a request may Require of us; anything else gets 420 (RFC 3261 §8.2.2.3). */
const SUPPORTED = new Set(['timer']);
/** Incoming calls not yet answered, rejected or canceled; beyond it INVITEs get 503. */
const MAX_PENDING_CALLS = 10_000;

/** What the agent refused or could not read, since it started: for operators' metrics and tests. */
export interface SipAgentCounters {
  /** Messages that did not parse (answered 400 when they could be, else dropped). */
  malformed: number;
  /** Messages over the maximum size (answered 513 when they could be, else dropped). */
  tooLarge: number;
  /** Requests past a source's rate, answered 503. */
  throttled: number;
  /** Requests past twice a source's rate, dropped unanswered. */
  rateDropped: number;
}

export interface SipAgentEvents {
  invite: (call: IncomingCall) => void;
  register: (request: SipRequest, source: Source, user?: string) => void;
  error: (error: SipError) => void;
}

export class SipAgent extends EventEmitter<SipAgentEvents> {
  private readonly dialogs = new Map<string, SipDialog>();
  private readonly calls = new Map<string, IncomingInvite>();
  private readonly registrations = new Set<Registration>();
  private readonly digest: DigestServer;
  private readonly limiter: RateLimiter | undefined;
  private readonly authFailures = new AuthFailures();
  readonly counters: SipAgentCounters = { malformed: 0, tooLarge: 0, throttled: 0, rateDropped: 0 };
  private readonly registry = {
    add: (d: SipDialog) => this.dialogs.set(d.id, d),
    remove: (d: SipDialog) => this.dialogs.delete(d.id),
  };

  private constructor(
    private readonly core: SipCore,
    private readonly opts: SipAgentOptions,
  ) {
    super();
    this.digest = new DigestServer({ timers: core.timers });
    const rate = opts.requestsPerSecondPerSource;
    this.limiter = rate ? new RateLimiter(rate, core.timers) : undefined;
    core.on('request', (req, tx) => void this.onRequest(req, tx).catch((e) => this.fail(e, req, tx)));
    core.on('ack', (req) => this.dialogs.get(this.idOf(req))?.handleAck(req));
    core.on('malformed', (error, source) => {
      if (error.code === 'sip-too-large') this.counters.tooLarge++;
      else this.counters.malformed++;
      if (!error.partial || error.partial.method === 'ACK') return;
      const res = buildResponse(error.partial, error.code === 'sip-too-large' ? 513 : 400, error.message.slice(0, 100));
      core.ctx.respond(res, source);
    });
    core.on('error', (e) => this.emit('error', e));
  }

  static async start(options: SipAgentOptions): Promise<SipAgent> {
    const transport = await SipTransport.start(options.listen, {
      maxMessageBytes: options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
      ...(options.tlsVerify !== undefined ? { tlsVerify: options.tlsVerify } : {}),
      ...(options.tlsCa !== undefined ? { tlsCa: options.tlsCa } : {}),
    });
    const core = new SipCore(transport, {
      timers: options.timers ?? realTimers,
      config: { ...DEFAULT_TIMER_CONFIG, ...options.timerConfig },
      userAgent: options.userAgent ?? 'Patchbay',
      ...(options.publicAddress !== undefined ? { publicAddress: options.publicAddress } : {}),
    });
    return new SipAgent(core, options);
  }

  /** Bound addresses, with port 0 resolved. */
  get addresses(): ReadonlyArray<BoundAddress> {
    return this.core.transport.addresses;
  }

  /** Open dialogs (for diagnostics and the adapter's bookkeeping). */
  get openDialogs(): number {
    return this.dialogs.size;
  }

  private idOf(req: SipRequest): string {
    const tag = (h: string) => /;\s*tag=([^;>\s]+)/i.exec(req.headers.get(h) ?? '')?.[1] ?? '';
    return dialogId(req.headers.get('call-id') ?? '', tag('to'), tag('from'));
  }

  private fail(e: unknown, req: SipRequest, tx: { respond(r: SipResponse): void }): void {
    tx.respond(buildResponse(req, e instanceof SipError || (e as Error)?.name === 'SipParseError' ? 400 : 500));
    if (!(e instanceof SipError) && (e as Error)?.name !== 'SipParseError')
      this.emit(
        'error',
        new SipError('sip-transport', `request handling failed: ${String(e)}`, req.method, { cause: e }),
      );
  }

  private async onRequest(req: SipRequest, tx: ServerTransaction): Promise<void> {
    const respond = (status: number, reason?: string, headers: Record<string, string> = {}) => {
      const res = buildResponse(req, status, reason, status > 100 ? this.core.newTag() : undefined);
      for (const [k, v] of Object.entries(headers)) res.headers.set(k, v);
      tx.respond(res);
    };
    if (req.method === 'CANCEL') {
      const invite = this.core.inviteFor(req);
      if (!invite) return respond(481);
      tx.respond(buildResponse(req, 200));
      for (const [key, call] of this.calls) {
        if (call.request !== invite.request) continue;
        this.calls.delete(key);
        call.cancel();
      }
      return;
    }
    const verdict = this.limiter?.check(tx.source.address) ?? 'ok';
    // Dropped, and forgotten: a transaction kept for it would absorb the source's retransmissions
    // after it slowed down, and a flood of them would fill the transaction table for everyone.
    if (verdict === 'drop') {
      this.counters.rateDropped++;
      return tx.terminate();
    }
    if (verdict === 'throttle') {
      this.counters.throttled++;
      return respond(503, undefined, { 'retry-after': '5' });
    }
    if (this.core.servers.size >= MAX_TRANSACTIONS) return respond(503, undefined, { 'retry-after': '5' });
    const mf = req.headers.get('max-forwards');
    if (mf !== undefined && Number(mf) <= 0) return respond(483);
    const hasToTag = /;\s*tag=/i.test(req.headers.get('to') ?? '');
    if (hasToTag) {
      const dialog = this.dialogs.get(this.idOf(req));
      if (!dialog) return respond(481);
      return dialog.handleRequest(req, tx);
    }
    switch (req.method) {
      case 'INVITE':
      case 'REGISTER':
      case 'OPTIONS':
        break;
      case 'BYE':
        return respond(481);
      default:
        return respond(405, undefined, { allow: ALLOW });
    }
    if (req.method === 'INVITE') {
      const loopKey = this.idOf(req);
      if (this.calls.has(loopKey)) return respond(482); // same call arriving by a second path (§8.2.2.2)
      const unsupported = req.headers.getAll('require').filter((ext) => !SUPPORTED.has(ext.toLowerCase()));
      if (unsupported.length > 0) return respond(420, undefined, { unsupported: unsupported.join(', ') });
      const type = (req.headers.get('content-type') ?? 'application/sdp').split(';')[0]?.trim().toLowerCase();
      if (req.body !== '' && type !== 'application/sdp') return respond(415, undefined, { accept: 'application/sdp' });
      respond(100);
    }
    const auth = await authorizeRequest(this.opts.authorize, this.digest, req, tx.source, this.authFailures);
    if ('respond' in auth) {
      const res = buildResponse(req, auth.respond.status, auth.respond.reason, this.core.newTag());
      for (const [k, v] of auth.respond.headers) res.headers.append(k, v);
      return tx.respond(res);
    }
    const user = auth.user;
    if (req.method === 'OPTIONS') return respond(200, undefined, { allow: ALLOW, accept: 'application/sdp' });
    if (req.method === 'REGISTER') {
      const registrar = this.opts.registrar;
      if (!registrar) return respond(405, undefined, { allow: 'INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE, INFO' });
      const answer = registrar.handle(req, tx.source);
      const res = buildResponse(req, answer.status, answer.reason, this.core.newTag());
      for (const [k, v] of Object.entries(answer.headers)) res.headers.set(k, v);
      tx.respond(res);
      if (answer.status === 200) this.emit('register', req, tx.source, user);
      return;
    }
    if (this.listenerCount('invite') === 0) return respond(480);
    if (this.calls.size >= MAX_PENDING_CALLS) return respond(503, undefined, { 'retry-after': '5' });
    const call = new IncomingInvite(this.core, this.registry, req, tx, user);
    const key = this.idOf(req);
    this.calls.set(key, call);
    call.onFinished = () => this.calls.delete(key);
    this.emit('invite', call);
  }

  /** Places a call; see `InviteResult`. Aborting `signal` cancels it. */
  invite(
    target: string,
    options: InviteOptions,
    signal: AbortSignal,
    onProvisional?: (status: number, sdp?: string) => void,
  ): Promise<InviteResult> {
    try {
      return placeCall(this.core, this.registry, target, options, signal, onProvisional);
    } catch (e) {
      return Promise.reject(e); // a bad target or proxy URI: SipParseError / SipError
    }
  }

  /** Sends OPTIONS (a keep-alive or capability probe); resolves with the final response (408 on timeout). */
  options(target: string): Promise<SipResponse> {
    try {
      return sendOptions(this.core, target);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** Registers `aor` with `registrar` and keeps it registered. */
  register(registrar: string, options: RegisterOptions): Registration {
    const reg = new Registration(this.core, registrar, options);
    this.registrations.add(reg);
    void reg.refresh();
    return reg;
  }

  /** Hangs up open dialogs (BYE), unregisters, and closes the sockets. */
  async close(): Promise<void> {
    const byes = [...this.dialogs.values()].map((d) => d.bye());
    const unregs = [...this.registrations].map((r) => r.unregister());
    await Promise.race([Promise.allSettled([...byes, ...unregs]), new Promise((r) => setTimeout(r, 1000).unref())]);
    this.core.close();
    await this.core.transport.close();
  }
}
