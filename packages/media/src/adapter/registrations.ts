/**
 * Keeps the registrar's bindings in the server's store: restored at start, saved on every
 * change, so a phone registered before a restart is reachable after it, and asked for an AOR
 * this node holds nothing of, so a phone registered with another node of a cluster is reachable
 * from this one. Writes are queued in
 * order per AOR and never hold up a REGISTER's answer; one that fails is reported to the
 * operator, and the phone's next REGISTER writes again.
 *
 * @example
 * await keepRegistrations(adapter.registrar, deps.registrations, deps.warn);
 */
import type { SavedSipBinding, SipRegistrationStore } from '@patchbay/runtime';
import { type Binding, formatNameAddr, parseNameAddr, type Registrar } from '../sip/index.js';

const toSaved = (b: Binding): SavedSipBinding => ({
  contact: formatNameAddr(b.contact),
  source: {
    transport: b.source.transport,
    address: b.source.address,
    port: b.source.port,
    local: { transport: b.source.local.transport, host: b.source.local.host, port: b.source.local.port },
  },
  expiresAt: b.expiresAt,
  callId: b.callId,
  cseq: b.cseq,
});

function fromSaved(aor: string, saved: SavedSipBinding): Binding | undefined {
  try {
    const contact = parseNameAddr(saved.contact, 'saved registration');
    return {
      aor,
      contact,
      uri: contact.uri,
      source: { ...saved.source, local: { ...saved.source.local } },
      expiresAt: saved.expiresAt,
      callId: saved.callId,
      cseq: saved.cseq,
    };
  } catch {
    return undefined; // a record this version cannot read: the phone registers again
  }
}

/** Restores what `store` kept and saves every change from now on; resolves with the AORs restored. */
export async function keepRegistrations(
  registrar: Registrar,
  store: SipRegistrationStore | undefined,
  warn: (message: string) => void,
  now: () => number = Date.now,
): Promise<number> {
  if (!store) return 0;
  const saved = await store.load(now());
  for (const { aor, bindings } of saved) {
    registrar.restore(
      aor,
      bindings.flatMap((b) => fromSaved(aor, b) ?? []),
    );
  }
  // A phone registered with another node of the cluster, called from this one.
  registrar.consult(async (aor) => (await store.find(aor, now())).flatMap((b) => fromSaved(aor, b) ?? []));
  let writes = Promise.resolve();
  registrar.persistTo((aor, bindings) => {
    const copy = bindings.map(toSaved);
    writes = writes
      .then(() => store.save(aor, copy))
      .catch((error: unknown) =>
        warn(
          `could not save the registration of ${aor} (${error instanceof Error ? error.message : String(error)}): it is kept in memory`,
        ),
      );
  });
  return saved.length;
}
