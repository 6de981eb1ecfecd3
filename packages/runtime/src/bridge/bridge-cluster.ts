/**
 * The device bridge's parts for a cluster (with a bus): devices on other nodes rung and told
 * (cluster/devices-ring.ts), presence as every live node has it (cluster/devices-presence-across.ts),
 * notices to an identity's sessions on every node (cluster/devices-tell.ts), and sessions
 * reached through another node (cluster/devices-relay.ts).
 * Undefined on a single node.
 *
 * @example
 * const parts = bridgeCluster(options, host, { targets, session, push, isOpen, ... });
 */

import type { Outgoing } from '@patchbay/sdk/protocol';
import { PresenceAcross } from '../cluster/devices-presence-across.js';
import { type RelayedBridge, SessionRelay } from '../cluster/devices-relay.js';
import { ClusterDevices } from '../cluster/devices-ring.js';
import { ClusterTells } from '../cluster/devices-tell.js';
import type { CommandChannel } from './command-channel.js';
import type { Invitations } from './invitations.js';
import type { PresenceRecord } from './presence.js';
import type { DeviceSession } from './session.js';
import type { BridgeHost, DeviceBridgeOptions } from './types.js';

/** What the cluster's parts ask of the bridge. */
export interface BridgeSide {
  /** Sessions here that may be rung for an identity. */
  targets(accountSid: string, identity: string): DeviceSession[];
  session(id: string): DeviceSession | undefined;
  push(session: DeviceSession, ...rest: Parameters<DeviceSession['push']>): void;
  isOpen(session: DeviceSession): boolean;
  invitations(): Invitations;
  commands(): CommandChannel;
  /** Presence on this node, of some identities or all of an account. */
  local(accountSid: string, identities?: readonly string[]): PresenceRecord[];
  /** Tells the followers here of a presence change anywhere. */
  notify(record: PresenceRecord): void;
  /** Sends a notice another node published to the identity's sessions here. */
  tellHere(accountSid: string, identity: string, message: Outgoing): void;
  /** Sessions reached through other nodes (cluster/devices-relay.ts). */
  relayed: RelayedBridge;
}

export function bridgeCluster(
  options: DeviceBridgeOptions,
  host: BridgeHost,
  side: BridgeSide,
):
  | {
      readonly devices: ClusterDevices;
      readonly across: PresenceAcross;
      readonly tells: ClusterTells;
      readonly relay: SessionRelay;
    }
  | undefined {
  const { cluster } = options;
  if (!cluster) return undefined;
  const { clock, media } = host;
  const devices = new ClusterDevices({
    ...cluster,
    media,
    clock,
    targets: side.targets,
    session: side.session,
    push: side.push,
    isOpen: side.isOpen,
    invitations: side.invitations,
    commands: side.commands,
  });
  const across = new PresenceAcross({
    bus: cluster.bus,
    clock,
    local: side.local,
    notify: side.notify,
    ...(cluster.onError ? { onError: cluster.onError } : {}),
  });
  const tells = new ClusterTells(cluster.bus, side.tellHere, cluster.onError);
  const relay = new SessionRelay(cluster.bus, side.relayed, cluster.onError);
  return { devices, across, tells, relay };
}
