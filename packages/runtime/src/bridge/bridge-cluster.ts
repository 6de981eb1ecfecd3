/**
 * The device bridge's parts for a cluster (with a bus), behind one object: devices on other nodes
 * rung and told (cluster/devices-ring.ts), presence as every live node has it
 * (cluster/devices-presence-across.ts), notices to an identity's sessions on every node
 * (cluster/devices-tell.ts), and sessions reached through another node (cluster/devices-relay.ts
 * for a WebSocket, cluster/devices-poll-relay.ts for long-poll requests).
 * Undefined on a single node.
 *
 * @example
 * const cluster = bridgeCluster(options, host, { targets, session, push, isOpen, ... });
 * const reached = await cluster?.reach(hello, link); // the session lives on another node
 */

import type { ClientMessage, Hello, Outgoing } from '@patchbay/sdk/protocol';
import { type Forwarded, PollRelay } from '../cluster/devices-poll-relay.js';
import { PresenceAcross } from '../cluster/devices-presence-across.js';
import { type ReachedSession, SessionRelay } from '../cluster/devices-relay.js';
import { ClusterDevices } from '../cluster/devices-ring.js';
import { ClusterTells } from '../cluster/devices-tell.js';
import type { CommandChannel } from './command-channel.js';
import type { Invitations } from './invitations.js';
import type { PollAnswer, PollRequest } from './poll.js';
import type { PresenceRecord } from './presence.js';
import type { DeviceSession, Link } from './session.js';
import type { BridgeHost, DeviceBridgeOptions } from './types.js';
import { ownedBy } from './welcome.js';

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
  /** A hello, message or lost connection relayed from another node, as the bridge takes a device's own. */
  open(hello: Hello, link: Link): Promise<DeviceSession>;
  receive(session: DeviceSession, message: ClientMessage, link: Link): void;
  lost(session: DeviceSession, link: Link): void;
  /** A long-poll request relayed from another node, for a session held here. */
  poll(session: DeviceSession, request: PollRequest, signal: AbortSignal, maxBytes: number): Promise<PollAnswer>;
  readonly heartbeatMs: number;
}

export interface BridgeCluster {
  /** Devices on other nodes: rung, told of calls, their commands. */
  readonly devices: ClusterDevices;
  /** Presence as the cluster has it, for REST and followers. */
  readonly across: PresenceAcross;
  /** A hello resuming a session another live node holds for its account and identity: relayed there. */
  reach(hello: Hello, link: Link): Promise<ReachedSession | undefined>;
  /** A long-poll request for a session another live node holds, answered there ('none': no node holds it). */
  poll(session: string, request: PollRequest, signal: AbortSignal): Promise<Forwarded>;
  /** Whether another node holds registrations of the identity (a ring invites them there). */
  registeredElsewhere(accountSid: string, identity: string): Promise<boolean>;
  /** Tells the identity's sessions on the other nodes. */
  publish(accountSid: string, identity: string, message: Outgoing): void;
  close(): void;
}

export function bridgeCluster(
  options: DeviceBridgeOptions,
  host: BridgeHost,
  side: BridgeSide,
): BridgeCluster | undefined {
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
  const relay = new SessionRelay(
    cluster.bus,
    {
      open: side.open,
      receive: side.receive,
      lost: side.lost,
      holds: ({ session, ...owner }) => ownedBy(side.session(session), owner),
    },
    cluster.onError,
  );
  const polls = new PollRelay(
    cluster.bus,
    { heartbeatMs: side.heartbeatMs, session: side.session, answer: side.poll },
    cluster.onError,
  );
  return {
    devices,
    across,
    reach: (hello, link) => relay.reach(hello, link),
    poll: (session, request, signal) => polls.forward(session, request, signal),
    async registeredElsewhere(accountSid, identity) {
      // The bus unreachable: a wake-up too many rather than a device missing the call.
      const nodes = await devices.presence.nodes(accountSid, identity).catch(() => []);
      return nodes.length > 0;
    },
    publish: (accountSid, identity, message) => tells.publish(accountSid, identity, message),
    close() {
      void devices.close();
      across.close();
      tells.close();
      relay.close();
      polls.close();
    },
  };
}
