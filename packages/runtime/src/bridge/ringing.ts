/**
 * One call ringing devices (bridge/invitations.ts), and what concerns its devices on other nodes
 * of a cluster: counting the nodes' invitations, cancelling them, and offering the call again
 * to devices that came back on another node after theirs died.
 */
import type { Clock } from '../clock/clock.js';
import type { DeviceLeg, OriginateOutcome } from '../media/types.js';
import type { CancelReason, RemoteInvite, RemoteRinging, RemoteSession } from './remote-ringing.js';
import type { DeviceSession } from './session.js';

export interface Ringing {
  readonly invited: Set<DeviceSession>;
  /** Legs offered to WebRTC devices, by session: the accepting one is kept, the others hung up. */
  readonly offered: Map<DeviceSession, DeviceLeg>;
  /** Devices invited on other nodes, counted per node. */
  readonly remote: Map<string, number>;
  /** What other nodes were told (re-offered when a node holding invited devices dies). */
  invite?: RemoteInvite;
  /** Stops re-offering. */
  stopReoffer?: (() => void) | undefined;
  /** How it ended, for nodes whose invitations were still on their way. */
  ended?: { readonly reason: CancelReason; readonly except: DeviceSession | RemoteSession | undefined };
  settle(outcome: OriginateOutcome): void;
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
  for (const [node, count] of counts) {
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
