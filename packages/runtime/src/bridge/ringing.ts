/**
 * One call ringing devices (bridge/invitations.ts): its call tokens and what its invitations say,
 * and what concerns its devices on other nodes of a cluster: counting the nodes' invitations,
 * cancelling them, and offering the call again to devices that came back on another node after
 * theirs died.
 */
import type { Clock } from '../clock/clock.js';
import type { DeviceLeg, OriginateOutcome } from '../media/types.js';
import type { CallTokens } from './call-tokens.js';
import type { ClientRing } from './invitations.js';
import type { CancelReason, RemoteInvite, RemoteRinging, RemoteSession } from './remote-ringing.js';
import type { DeviceSession } from './session.js';

export interface Ringing {
  readonly request: ClientRing;
  readonly expiresAt: number;
  /** The identities rung. */
  readonly identities: ReadonlySet<string>;
  readonly invited: Set<DeviceSession>;
  /** Legs offered to WebRTC devices, by session: the accepting one is kept, the others hung up. */
  readonly offered: Map<DeviceSession, DeviceLeg>;
  /** Legs offered to WebRTC devices on other nodes, by `node/session`. */
  readonly offeredElsewhere: Map<string, DeviceLeg>;
  /** One call token per identity rung: each device can only answer as itself. */
  readonly callTokens: Map<string, string>;
  /** Devices were woken for it: a session of the identities rung that registers meanwhile is invited. */
  readonly joinable: boolean;
  /** Devices are being woken: the ring stays open for them even when nobody invited is left. */
  waking: boolean;
  /** Devices invited on other nodes, counted per node. */
  readonly remote: Map<string, number>;
  /**
   * Devices a node withdrew before its reply to the invitation counted them here (the withdrawal
   * overtook the reply on the bus): taken off that count when it comes.
   */
  readonly withdrawnEarly: Map<string, number>;
  /** What other nodes were told (re-offered when a node holding invited devices dies). */
  invite?: RemoteInvite;
  /** Stops re-offering. */
  stopReoffer?: (() => void) | undefined;
  /** How it ended, for nodes whose invitations were still on their way. */
  ended?: { readonly reason: CancelReason; readonly except: DeviceSession | RemoteSession | undefined };
  settle(outcome: OriginateOutcome): void;
}

/** Nobody can answer any more: no device invited here or on another node, none being woken. */
export function nobodyLeft(ringing: Ringing): boolean {
  return ringing.invited.size === 0 && ringing.remote.size === 0 && !ringing.waking;
}

/** The call token of `identity` for the ring, sealed once. */
export function callTokenOf(host: { tokens: CallTokens; node: string }, ringing: Ringing, identity: string): string {
  const { request, expiresAt, callTokens } = ringing;
  const sealed =
    callTokens.get(identity) ??
    host.tokens.seal({
      callSid: request.callSid,
      node: host.node,
      accountSid: request.accountSid,
      identity,
      expiresAt,
    });
  callTokens.set(identity, sealed);
  return sealed;
}

/** The call's parameters as the devices see them. */
export function inviteParameters(request: ClientRing): Record<string, string> {
  return {
    CallSid: request.callSid,
    AccountSid: request.accountSid,
    From: request.from,
    To: request.to ?? `client:${request.identity}`,
    ApiVersion: '2010-04-01',
  };
}

/** What other nodes are told: the invitation with the call token of every identity rung. */
export function remoteInviteOf(host: { tokens: CallTokens; node: string }, ringing: Ringing): RemoteInvite {
  const { request } = ringing;
  return {
    callSid: request.callSid,
    accountSid: request.accountSid,
    callTokens: Object.fromEntries(
      [...ringing.identities].map((identity) => [identity, callTokenOf(host, ringing, identity)]),
    ),
    parameters: inviteParameters(request),
    customParameters: { ...request.parameters },
    expiresAt: ringing.expiresAt,
    ...(ringing.joinable ? { joinable: true } : {}),
  };
}

/** How often a call whose devices' node died is offered to devices that came back elsewhere. */
const REOFFER_MS = 250;

/** Devices on other nodes rang: counted, or told at once if the call ended meanwhile. */
export function invitedElsewhere(
  remote: RemoteRinging | undefined,
  callSid: string,
  ringing: Ringing,
  counts: ReadonlyMap<string, number>,
): void {
  for (const [node, invited] of counts) {
    const count = invited - (ringing.withdrawnEarly.get(node) ?? 0);
    ringing.withdrawnEarly.delete(node);
    if (count <= 0) continue;
    if (!ringing.ended) ringing.remote.set(node, count);
    else cancelRemote(remote, node, callSid, ringing.ended.reason, ringing.ended.except);
  }
}

export function cancelRemote(
  remote: RemoteRinging | undefined,
  node: string,
  callSid: string,
  reason: CancelReason,
  except: DeviceSession | RemoteSession | undefined,
): void {
  const exceptHere = except && 'node' in except && except.node === node ? except.session : undefined;
  remote?.cancel(node, callSid, reason, exceptHere);
}

/** Offers the call again, every REOFFER_MS, to the identities' devices on nodes not ringing it, until it stops ringing. */
export function reofferLater(
  host: { readonly clock: Clock; readonly remote?: RemoteRinging | undefined },
  callSid: string,
  ringing: Ringing,
  invite: RemoteInvite,
): void {
  if (ringing.stopReoffer) return;
  ringing.stopReoffer = host.clock.setTimer(() => {
    ringing.stopReoffer = undefined;
    const { remote } = host;
    if (ringing.ended || !remote) return;
    // A failed offer (the bus down) is tried again at the next turn, until the call stops ringing.
    void remote
      .invite(invite, new Set(ringing.remote.keys()))
      .then((counts) => invitedElsewhere(remote, callSid, ringing, counts))
      .catch(() => undefined)
      .finally(() => {
        if (!ringing.ended) reofferLater(host, callSid, ringing, invite);
      });
  }, REOFFER_MS);
}
