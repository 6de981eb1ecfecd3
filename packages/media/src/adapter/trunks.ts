/**
 * Registering to carrier trunks that send calls only to registered customers
 * (`--sip-trunk-register name`): one REGISTER per such trunk with its credentials, at the address
 * of record `sip:<username>@<trunk host>`, refreshed before the carrier's granted expiry (the
 * agent's `Registration`). A failure is logged for the operator and retried; the return of the
 * registration after a failure is logged too, so the log says when calls can come in again.
 *
 * @example
 * const registrations = registerTrunks(agent, trunks, (message) => log.warn(message));
 * // on close: await Promise.all(registrations.map((r) => r.unregister()))
 */
import { parseUri, type Registration, type SipAgent } from '../sip/index.js';

export interface Trunk {
  readonly name: string;
  /** Where calls to numbers go: `sip:carrier.example.com:5060;transport=udp`. */
  readonly uri: string;
  readonly credentials?: { readonly username: string; readonly password: string } | undefined;
  /** Keep a registration at the trunk (its URI is the registrar) with `credentials`. */
  readonly register?: boolean | undefined;
}

export function registerTrunks(
  agent: SipAgent,
  trunks: readonly Trunk[],
  log: (message: string) => void,
): Registration[] {
  const registrations: Registration[] = [];
  for (const trunk of trunks) {
    if (!trunk.register) continue;
    if (!trunk.credentials) {
      log(`trunk ${trunk.name}: registration needs credentials; not registering`);
      continue;
    }
    const { host } = parseUri(trunk.uri);
    const aor = `sip:${trunk.credentials.username}@${host}`;
    const registration = agent.register(trunk.uri, {
      aor,
      credentials: { username: trunk.credentials.username, password: trunk.credentials.password },
    });
    let failing = false;
    registration.on('failed', (status, reason) => {
      failing = true;
      log(`trunk ${trunk.name}: REGISTER ${aor} failed with ${status} ${reason}; retrying in 30 s`);
    });
    registration.on('registered', (expiresS) => {
      if (failing) log(`trunk ${trunk.name}: registered again as ${aor} for ${expiresS} s`);
      failing = false;
    });
    registrations.push(registration);
  }
  return registrations;
}
