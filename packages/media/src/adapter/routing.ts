/**
 * Where a call the runtime places goes (`SipMediaAdapter.originate`): a user of one of our SIP
 * domains to the address its phone registered from, with this node or another one sharing the
 * store (480 when none is registered), another SIP URI
 * as given with the app's credentials and headers, a number through the account's BYOC trunk
 * targets (by priority, weighted at random within one: the directory orders them), then the
 * server's `--sip-trunk`s in the order given, answering each carrier's challenge. A trunk named
 * by a domain is each of the servers its DNS publishes (RFC 3263: NAPTR, SRV, A/AAAA, locate.ts).
 *
 * A number has several routes: the next is tried when one fails as a target, not as the callee
 * (`failsOver`): no answer at all, 408, 5xx (503 is also what a transport failure reports).
 * A 486 or 404 is the callee's answer, and no other target would change it.
 *
 * @example
 * const routes = await routesOf(request, { directory, registrar, trunks });
 * if (!Array.isArray(routes)) return routes; // nowhere to send it
 * for (const route of routes) if (!failsOver(await agent.invite(route.target, { ...route, from, sdp }, signal))) break;
 */
import type { OriginateOutcome, OriginateRequest, SipDirectory } from '@patchbay/runtime';
import type { InviteResult } from '../sip/index.js';
import {
  type Binding,
  type Destination,
  formatUri,
  locateServers,
  parseUri,
  type Registrar,
  type SipResolver,
  systemSipResolver,
} from '../sip/index.js';
import { outcomeOf } from './outcomes.js';
import type { Trunk } from './trunks.js';

/** How an INVITE is sent. */
export interface Route {
  readonly target: string;
  readonly proxy?: string;
  readonly headers?: Record<string, string>;
  readonly credentials?: { readonly username: string; readonly password: string };
  readonly destination?: Destination;
}

export interface Where {
  readonly directory: SipDirectory | undefined;
  readonly registrar: Registrar;
  readonly trunks: readonly Trunk[];
  /** Where a trunk's servers are looked up (RFC 3263). @default node's resolver */
  readonly resolver?: SipResolver;
}

let shared: SipResolver | undefined;
/** The system's resolver, made when first needed. */
const systemResolver = () => {
  shared ??= systemSipResolver();
  return shared;
};

/** The most targets one call tries (a policy may list more: the first by priority are tried). */
export const MAX_ATTEMPTS = 8;

/** Whether a failed attempt was the target's failure (try the next one), not the callee's answer. */
export function failsOver(result: InviteResult): boolean {
  return result.outcome === 'failed' && (result.status === 408 || (result.status >= 500 && result.status <= 599));
}

/**
 * Where a call goes: a phone registered to one of our SIP domains at the address it registered
 * from; another SIP URI as given; a number through the account's BYOC trunk targets, then the
 * server's `--sip-trunk`s, in the order to try them.
 */
export async function routesOf(request: OriginateRequest, where: Where): Promise<OriginateOutcome | Route[]> {
  if (request.to.kind === 'sip') {
    const { username, password, headers } = request.sip ?? {};
    const base: Route = {
      target: request.to.value,
      ...(headers ? { headers } : {}),
      ...(username !== undefined && password !== undefined ? { credentials: { username, password } } : {}),
    };
    const uri = parseUri(request.to.value);
    const domain = await where.directory?.domainByName(uri.host.toLowerCase());
    if (!domain) return [base];
    let bindings: Binding[];
    try {
      // Here, or with another node of the cluster (docs/cluster.md).
      bindings = await where.registrar.find(`sip:${uri.user ?? ''}@${uri.host.toLowerCase()}`);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      return { outcome: 'failed', reason: `the registrations shared by the cluster could not be read: ${why}` };
    }
    // Newest registration first: the phone the user picked up last.
    const binding = bindings.sort((a, b) => b.expiresAt - a.expiresAt)[0];
    if (!binding) return outcomeOf(480, 'Temporarily Unavailable (not registered)');
    const { transport, address, port, flowId } = binding.source;
    return [
      {
        ...base,
        target: formatUri(binding.uri),
        destination: { transport, host: address, port, ...(flowId === undefined ? {} : { flowId }) },
      },
    ];
  }
  if (request.to.kind === 'number') {
    const targets = request.account ? ((await where.directory?.trunkTargets(request.account)) ?? []) : [];
    const trunks = targets.length > 0 ? targets : where.trunks;
    if (trunks.length === 0)
      return { outcome: 'failed', reason: 'no SIP trunk is configured for calls to numbers (--sip-trunk)' };
    const number = request.to.value;
    const routes: Route[] = [];
    const unresolved: string[] = [];
    // Each trunk's servers as DNS publishes them (NAPTR/SRV/A), in the order to try them.
    for (const trunk of trunks) {
      if (routes.length >= MAX_ATTEMPTS) break;
      let servers: Destination[];
      try {
        servers = await locateServers(parseUri(trunk.uri), where.resolver ?? systemResolver());
      } catch (error) {
        unresolved.push(error instanceof Error ? error.message : String(error));
        continue;
      }
      for (const destination of servers.slice(0, MAX_ATTEMPTS - routes.length)) {
        routes.push({
          target: formatUri({ ...parseUri(trunk.uri), user: number, userParams: {}, params: {}, headers: {} }),
          proxy: trunk.uri,
          destination,
          ...(trunk.credentials ? { credentials: trunk.credentials } : {}),
        });
      }
    }
    if (routes.length === 0)
      return { outcome: 'failed', reason: `no trunk server could be found: ${unresolved.join('; ')}` };
    return routes;
  }
  return { outcome: 'failed', reason: 'SIP media does not carry client devices yet' };
}
