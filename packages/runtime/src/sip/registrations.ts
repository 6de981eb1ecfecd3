/**
 * Where the media side's registrar keeps SIP phones' registrations, so a restart does not make
 * every registered phone unreachable until its next REGISTER (phones refresh hourly by default).
 * One record per address of record, replaced whole on every change and deleted when its last
 * binding goes. The records belong to the server, not to an account: a registrar AOR names a
 * domain, and whose the domain is (and whether it still exists) is asked at call time.
 *
 * @example
 * const registrations = storeSipRegistrations(store);
 * await registrations.save('alice@acme.sip.patchbay.local', [binding]);
 * for (const { aor, bindings } of await registrations.load()) registrar.restore(aor, bindings);
 */
import { createHash } from 'node:crypto';
import type { Store, StoredRecord } from '../store/types.js';

/** A binding as the registrar hands it over: the contact as a header value, where it came from. */
export interface SavedSipBinding {
  /** The Contact header value (name-addr) without its expires parameter. */
  readonly contact: string;
  readonly source: {
    readonly transport: 'udp' | 'tcp' | 'tls';
    readonly address: string;
    readonly port: number;
    readonly local: { readonly transport: 'udp' | 'tcp' | 'tls'; readonly host: string; readonly port: number };
  };
  /** Milliseconds since the epoch. */
  readonly expiresAt: number;
  readonly callId: string;
  readonly cseq: number;
}

export interface SavedSipRegistration {
  readonly aor: string;
  readonly bindings: readonly SavedSipBinding[];
}

export interface SipRegistrationStore {
  /** Every saved AOR whose bindings have not all expired by `now`. */
  load(now: number): Promise<SavedSipRegistration[]>;
  /** Replaces what is saved for `aor` (none left: forgets it). */
  save(aor: string, bindings: readonly SavedSipBinding[]): Promise<void>;
  /**
   * The bindings of `aor` (`user@host`) saved by any node sharing the store, those live at `now`:
   * what a node asks when a phone registered with another node is called (docs/cluster.md).
   */
  find(aor: string, now: number): Promise<SavedSipBinding[]>;
}

interface SipRegistrationRecord extends StoredRecord, SavedSipRegistration {
  /** When the last binding expires. */
  readonly expiresAt: number;
}

/** The owner of the registrar's records: the server itself. */
const REGISTRAR = 'registrar';
const PAGE = 1000;
/** More AORs than the registrar holds (its bound is 100,000) are never loaded. */
const MAX_PAGES = 101;

const sidOf = (aor: string) => `RG${createHash('sha256').update(aor).digest('hex').slice(0, 32)}`;
/** The registrar's key for an address of record: `user@host`, lower case, no scheme. */
const keyOf = (aor: string) => aor.replace(/^sips?:/i, '').toLowerCase();

export function storeSipRegistrations(store: Store, now: () => number = Date.now): SipRegistrationStore {
  return {
    async load(at) {
      const saved: SavedSipRegistration[] = [];
      for (let page = 0; page < MAX_PAGES; page++) {
        const { items, more } = await store.list<SipRegistrationRecord>('sip-registration', {
          accountSid: REGISTRAR,
          ranges: { expiresAt: { min: at + 1 } },
          page,
          pageSize: PAGE,
        });
        for (const { aor, bindings } of items) {
          const live = bindings.filter((b) => b.expiresAt > at);
          if (live.length > 0) saved.push({ aor, bindings: live });
        }
        if (!more) break;
      }
      // Bindings that expired while the server was down were never deleted: forget them now.
      for (let page = 0; page < MAX_PAGES; page++) {
        const { items } = await store.list<SipRegistrationRecord>('sip-registration', {
          accountSid: REGISTRAR,
          ranges: { expiresAt: { max: at } },
          page: 0,
          pageSize: PAGE,
        });
        for (const { sid } of items) await store.delete('sip-registration', REGISTRAR, sid);
        if (items.length < PAGE) break;
      }
      return saved;
    },
    async find(aor, at) {
      const record = await store.find<SipRegistrationRecord>('sip-registration', sidOf(keyOf(aor)));
      if (record?.accountSid !== REGISTRAR) return [];
      return record.bindings.filter((b) => b.expiresAt > at);
    },
    async save(aor, bindings) {
      const sid = sidOf(aor);
      if (bindings.length === 0) {
        await store.delete('sip-registration', REGISTRAR, sid);
        return;
      }
      const record: SipRegistrationRecord = {
        sid,
        accountSid: REGISTRAR,
        createdAt: now(),
        aor,
        bindings,
        expiresAt: Math.max(...bindings.map((b) => b.expiresAt)),
      };
      await store.put('sip-registration', record);
    },
  };
}
