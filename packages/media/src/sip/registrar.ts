/**
 * A registrar for SIP domains (RFC 3261 §10.3): bindings from an address of record to contacts,
 * each expiring on `Timers`, served from memory and, when given somewhere to persist them
 * (`persistTo`), written there on every change and `restore`d at start, so phones stay reachable
 * across a restart instead of being unreachable until their next REGISTER (up to an hour). A binding remembers the source and flow the REGISTER came
 * from, so calls to a phone behind NAT go back through the same address and connection. Bounded:
 * bindings per AOR, AORs overall, and Expires between min (423 below it) and max.
 *
 * @example
 * const registrar = new Registrar({ minExpiresS: 60 });
 * const agent = await SipAgent.start({ listen, registrar, authorize });
 * registrar.lookup('alice@example.com') // [{ uri, source, expiresAt, ... }]
 */
import type { SipRequest } from './message.js';
import { realTimers, type Timers } from './timers.js';
import type { Source } from './transport.js';
import { formatNameAddr, type NameAddr, parseNameAddr, type SipUri } from './uri.js';

export interface Binding {
  aor: string;
  contact: NameAddr;
  uri: SipUri;
  /** Where the REGISTER came from (use it to reach a NAT'd phone). */
  source: Source;
  expiresAt: number;
  callId: string;
  cseq: number;
}

/** Told an AOR's bindings after every change (empty: the AOR has none left). */
export type PersistBindings = (aor: string, bindings: readonly Binding[]) => void;

/** The bindings of an AOR (`user@host`) that other registrars sharing the store took. */
export type SharedBindings = (aor: string) => Promise<readonly Binding[]>;

export interface RegistrarOptions {
  timers?: Timers;
  /** @default 60 */
  minExpiresS?: number;
  /** @default 3600 */
  maxExpiresS?: number;
  /** @default 3600 */
  defaultExpiresS?: number;
  /** @default 10 */
  maxBindingsPerAor?: number;
  /** @default 100000 */
  maxAors?: number;
}

export interface RegistrarAnswer {
  status: number;
  reason?: string;
  headers: Record<string, string | string[]>;
}

const aorOf = (uri: SipUri) => `${uri.user ?? ''}@${uri.host}`.toLowerCase();
/** An AOR as given (`user@host` or a sip: URI) as the registrar keys it. */
const aorKey = (aor: string) => aor.replace(/^sips?:/i, '').toLowerCase();

export class Registrar {
  private readonly timers: Timers;
  private readonly o: Required<Omit<RegistrarOptions, 'timers'>>;
  private readonly bindings = new Map<string, Map<string, Binding & { cancel: () => void }>>();
  private persist: PersistBindings = () => undefined;
  private shared: SharedBindings = async () => [];

  constructor(options: RegistrarOptions = {}) {
    this.timers = options.timers ?? realTimers;
    this.o = {
      minExpiresS: options.minExpiresS ?? 60,
      maxExpiresS: options.maxExpiresS ?? 3600,
      defaultExpiresS: options.defaultExpiresS ?? 3600,
      maxBindingsPerAor: options.maxBindingsPerAor ?? 10,
      maxAors: options.maxAors ?? 100_000,
    };
  }

  /** Current contacts of `aor` (`user@host` or a sip: URI). */
  lookup(aor: string): Binding[] {
    const key = aorKey(aor);
    return [...(this.bindings.get(key)?.values() ?? [])].map(({ cancel: _, ...b }) => b);
  }

  /**
   * `lookup`, or, when this registrar holds nothing for `aor`, the bindings other registrars
   * sharing its store took (`consult`): in a cluster a phone registers with one node and may be
   * called from any. Those bindings have no flow here: a call goes to where the REGISTER came from.
   */
  async find(aor: string): Promise<Binding[]> {
    const here = this.lookup(aor);
    if (here.length > 0) return here;
    const now = this.timers.now();
    return (await this.shared(aorKey(aor)))
      .filter((b) => b.expiresAt > now)
      .map(({ source: { flowId: _, ...source }, ...binding }) => ({ ...binding, source }));
  }

  /** Where every change goes from now on. */
  persistTo(persist: PersistBindings): void {
    this.persist = persist;
  }

  /** Where `find` asks for an AOR this registrar holds no binding of. */
  consult(shared: SharedBindings): void {
    this.shared = shared;
  }

  /**
   * Takes back bindings saved before a restart (bounded as REGISTERs are; expired ones dropped).
   * A TCP or TLS binding loses its connection: calls go to its source until the phone registers again.
   */
  restore(aor: string, saved: readonly Binding[]): void {
    const key = aorKey(aor);
    const now = this.timers.now();
    const live = saved.filter((b) => b.expiresAt > now).slice(0, this.o.maxBindingsPerAor);
    if (live.length === 0 || this.bindings.has(key) || this.bindings.size >= this.o.maxAors) return;
    const set = new Map<string, Binding & { cancel: () => void }>();
    for (const binding of live) {
      const { flowId: _, ...source } = binding.source;
      const contactKey = this.keyOf(binding.contact);
      const cancel = this.timers.setTimer(() => this.expire(key, contactKey), binding.expiresAt - now);
      set.set(contactKey, { ...binding, aor: key, source, cancel });
    }
    this.bindings.set(key, set);
  }

  /** Applies a REGISTER (already authorized) and returns the answer to send. */
  handle(request: SipRequest, source: Source): RegistrarAnswer {
    let aor: string;
    let contacts: Array<NameAddr | '*'>;
    try {
      aor = aorOf(parseNameAddr(request.headers.get('to') ?? '', 'header To').uri);
      contacts = request.headers
        .getAll('contact')
        .map((c) => (c.trim() === '*' ? '*' : parseNameAddr(c, 'header Contact')));
    } catch {
      return { status: 400, headers: {} };
    }
    const headerExpires = request.headers.get('expires');
    const defaultExpires =
      headerExpires !== undefined && /^\d+$/.test(headerExpires.trim())
        ? Number(headerExpires)
        : this.o.defaultExpiresS;
    const callId = request.headers.get('call-id') ?? '';
    const cseq = Number((request.headers.get('cseq') ?? '0').split(/\s+/)[0]);
    const now = this.timers.now();
    if (contacts.includes('*')) {
      if (contacts.length > 1 || defaultExpires !== 0) return { status: 400, reason: 'Invalid Wildcard', headers: {} };
      this.removeAor(aor);
      this.persist(aor, []);
      return this.answer(aor);
    }
    const updates: Array<{ contact: NameAddr; expires: number }> = [];
    for (const contact of contacts as NameAddr[]) {
      const p = contact.params.expires;
      const expires = p !== undefined && p !== null && /^\d+$/.test(p) ? Number(p) : defaultExpires;
      if (expires !== 0 && expires < this.o.minExpiresS)
        return { status: 423, headers: { 'min-expires': String(this.o.minExpiresS) } };
      updates.push({ contact, expires: Math.min(expires, this.o.maxExpiresS) });
    }
    let set = this.bindings.get(aor);
    if (!set) {
      if (updates.length === 0) return this.answer(aor);
      if (this.bindings.size >= this.o.maxAors) return { status: 503, headers: { 'retry-after': '60' } };
      set = new Map();
      this.bindings.set(aor, set);
    }
    const added = updates.filter((u) => u.expires > 0 && !set.has(this.keyOf(u.contact))).length;
    if (set.size + added > this.o.maxBindingsPerAor) return { status: 403, reason: 'Too Many Bindings', headers: {} };
    for (const { contact, expires } of updates) {
      const key = this.keyOf(contact);
      const old = set.get(key);
      if (old && old.callId === callId && cseq <= old.cseq) return { status: 500, reason: 'Out of Order', headers: {} };
      old?.cancel();
      set.delete(key);
      if (expires === 0) continue;
      const cancel = this.timers.setTimer(() => this.expire(aor, key), expires * 1000);
      const params = { ...contact.params };
      delete params.expires;
      set.set(key, {
        aor,
        contact: { ...contact, params },
        uri: contact.uri,
        source,
        expiresAt: now + expires * 1000,
        callId,
        cseq,
        cancel,
      });
    }
    if (set.size === 0) this.bindings.delete(aor);
    if (updates.length > 0) this.persist(aor, this.lookup(aor));
    return this.answer(aor);
  }

  private keyOf(contact: NameAddr): string {
    const u = contact.uri;
    return `${u.user ?? ''}@${u.host}:${u.port ?? ''}`.toLowerCase();
  }

  private answer(aor: string): RegistrarAnswer {
    const now = this.timers.now();
    const contact = this.lookup(aor).map((b) => {
      const remaining = Math.max(0, Math.round((b.expiresAt - now) / 1000));
      return formatNameAddr({ ...b.contact, params: { ...b.contact.params, expires: String(remaining) } });
    });
    return { status: 200, headers: contact.length > 0 ? { contact } : {} };
  }

  private expire(aor: string, key: string): void {
    const set = this.bindings.get(aor);
    if (!set?.delete(key)) return;
    if (set.size === 0) this.bindings.delete(aor);
    this.persist(aor, this.lookup(aor));
  }

  private removeAor(aor: string): void {
    for (const b of this.bindings.get(aor)?.values() ?? []) b.cancel();
    this.bindings.delete(aor);
  }

  close(): void {
    for (const aor of [...this.bindings.keys()]) this.removeAor(aor);
  }
}
