/**
 * Registering with a registrar or trunk (RFC 3261 §10.2): one Call-ID with rising CSeq, one digest
 * answer per challenge, refresh before expiry (at 85% of the granted time), 423 handled by raising
 * Expires to Min-Expires. Failures are emitted and retried a while later; `unregister()` removes
 * the binding (Expires: 0) and stops refreshing.
 *
 * @example
 * const reg = agent.register('sip:pbx.example.com', { aor: 'sip:100@pbx.example.com', credentials });
 * reg.on('registered', (expiresS) => ...).on('failed', (status, reason) => ...);
 * await reg.unregister();
 */
import { EventEmitter } from 'eventemitter3';
import type { SipCore } from './core.js';
import { authorize } from './digest.js';
import { SipHeaders } from './headers.js';
import type { SipResponse } from './message.js';
import { destinationOf } from './uac.js';
import { formatUri, parseNameAddr, parseUri } from './uri.js';

export interface RegisterOptions {
  /** The address of record, a sip: URI. */
  aor: string;
  credentials?: { username: string; password: string };
  /** @default 600 */
  expiresS?: number;
}

interface RegistrationEvents {
  registered: (expiresS: number) => void;
  failed: (status: number, reason: string) => void;
}

const RETRY_AFTER_FAILURE_MS = 30_000;

export class Registration extends EventEmitter<RegistrationEvents> {
  private readonly callId: string;
  private readonly fromTag: string;
  private seq = 0;
  private expiresS: number;
  private cancelRefresh: () => void = () => {};
  private stopped = false;

  constructor(
    private readonly core: SipCore,
    private readonly registrar: string,
    private readonly options: RegisterOptions,
  ) {
    super();
    parseUri(registrar, 'registrar'); // a bad URI fails here, at register(), not later
    parseUri(options.aor, 'aor');
    this.callId = core.newCallId();
    this.fromTag = core.newTag();
    this.expiresS = options.expiresS ?? 600;
  }

  /** Sends one REGISTER (with `expires`), answering one challenge; resolves with the final response. */
  private send(expires: number, auth?: { header: string; value: string }): Promise<SipResponse> {
    const registrarUri = parseUri(this.registrar, 'registrar');
    const dest = destinationOf(registrarUri);
    const { user: _user, password: _password, ...hostPart } = registrarUri;
    const uri = formatUri({ ...hostPart, headers: {} });
    const h = new SipHeaders();
    h.set('via', this.core.via(dest.transport));
    h.set('max-forwards', '70');
    h.set('from', `<${this.options.aor}>;tag=${this.fromTag}`);
    h.set('to', `<${this.options.aor}>`);
    h.set('call-id', this.callId);
    h.set('cseq', `${++this.seq} REGISTER`);
    h.set('contact', this.core.contactHeader(dest.transport));
    h.set('expires', String(expires));
    if (auth) h.set(auth.header, auth.value);
    const request = { kind: 'request' as const, method: 'REGISTER', uri, headers: h, body: '' };
    return new Promise((resolve) => {
      this.core.sendRequest(request, dest, {
        onResponse: (r) => {
          if (r.status >= 200) resolve(r);
        },
        onTimeout: () => resolve({ ...request, kind: 'response', status: 408, reason: 'Request Timeout' }),
      });
    }).then((res) => {
      const r = res as SipResponse;
      if ((r.status === 401 || r.status === 407) && !auth && this.options.credentials) {
        const challenges = r.headers.getAll(r.status === 401 ? 'www-authenticate' : 'proxy-authenticate');
        const value = authorize(challenges, this.options.credentials, 'REGISTER', uri);
        if (value)
          return this.send(expires, { header: r.status === 401 ? 'authorization' : 'proxy-authorization', value });
      }
      return r;
    });
  }

  /** Registers now and keeps the binding fresh until `unregister()`. */
  async refresh(): Promise<void> {
    if (this.stopped) return;
    const res = await this.send(this.expiresS);
    if (this.stopped) return;
    if (res.status === 423) {
      const min = Number(res.headers.get('min-expires'));
      if (Number.isFinite(min) && min > this.expiresS) {
        this.expiresS = min;
        return this.refresh();
      }
    }
    if (res.status < 200 || res.status >= 300) {
      this.emit('failed', res.status, res.reason);
      this.schedule(RETRY_AFTER_FAILURE_MS);
      return;
    }
    const granted = this.grantedExpires(res);
    this.emit('registered', granted);
    this.schedule(granted * 1000 * 0.85);
  }

  private grantedExpires(res: SipResponse): number {
    const ours = this.core.contact('udp');
    for (const c of res.headers.getAll('contact')) {
      try {
        const na = parseNameAddr(c);
        if (na.uri.host === ours.host && na.uri.port === ours.port && na.params.expires)
          return Number(na.params.expires);
      } catch {
        // not ours
      }
    }
    const header = Number(res.headers.get('expires'));
    return Number.isFinite(header) && header > 0 ? header : this.expiresS;
  }

  private schedule(ms: number): void {
    this.cancelRefresh();
    this.cancelRefresh = this.core.timers.setTimer(() => void this.refresh(), Math.max(1000, ms));
  }

  async unregister(): Promise<void> {
    this.stopped = true;
    this.cancelRefresh();
    await this.send(0);
  }
}
