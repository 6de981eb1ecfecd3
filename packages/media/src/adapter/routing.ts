/**
 * Where a call the runtime places goes (`SipMediaAdapter.originate`): a user of one of our SIP
 * domains to the address its phone registered from (480 when none is registered), another SIP URI
 * as given with the app's credentials and headers, a number through the account's BYOC trunk
 * targets, else the server's first `--sip-trunk`, answering the carrier's challenge.
 *
 * @example
 * const route = await routeOf(request, { directory, registrar, trunks });
 * if ('outcome' in route) return route; // nowhere to send it
 * await agent.invite(route.target, { ...route, from, sdp }, signal);
 */
import type { OriginateOutcome, OriginateRequest, SipDirectory } from '@patchbay/runtime';
import { type Destination, formatUri, parseUri, type Registrar } from '../sip/index.js';
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
}

/**
 * Where a call goes: a phone registered to one of our SIP domains at the address it registered
 * from; another SIP URI as given; a number through the account's BYOC trunk targets, then the
 * server's `--sip-trunk`s.
 */
export async function routeOf(request: OriginateRequest, where: Where): Promise<OriginateOutcome | Route> {
  if (request.to.kind === 'sip') {
    const { username, password, headers } = request.sip ?? {};
    const base: Route = {
      target: request.to.value,
      ...(headers ? { headers } : {}),
      ...(username !== undefined && password !== undefined ? { credentials: { username, password } } : {}),
    };
    const uri = parseUri(request.to.value);
    const domain = await where.directory?.domainByName(uri.host.toLowerCase());
    if (!domain) return base;
    // Newest registration first: the phone the user picked up last.
    const binding = where.registrar
      .lookup(`sip:${uri.user ?? ''}@${uri.host.toLowerCase()}`)
      .sort((a, b) => b.expiresAt - a.expiresAt)[0];
    if (!binding) return outcomeOf(480, 'Temporarily Unavailable (not registered)');
    const { transport, address, port, flowId } = binding.source;
    return {
      ...base,
      target: formatUri(binding.uri),
      destination: { transport, host: address, port, ...(flowId === undefined ? {} : { flowId }) },
    };
  }
  if (request.to.kind === 'number') {
    const targets = request.account ? ((await where.directory?.trunkTargets(request.account)) ?? []) : [];
    const trunk = targets[0] ?? where.trunks[0];
    if (!trunk) return { outcome: 'failed', reason: 'no SIP trunk is configured for calls to numbers (--sip-trunk)' };
    const trunkUri = parseUri(trunk.uri);
    return {
      target: formatUri({ ...trunkUri, user: request.to.value, userParams: {}, params: {}, headers: {} }),
      proxy: trunk.uri,
      ...(trunk.credentials ? { credentials: trunk.credentials } : {}),
    };
  }
  return { outcome: 'failed', reason: 'SIP media does not carry client devices yet' };
}
