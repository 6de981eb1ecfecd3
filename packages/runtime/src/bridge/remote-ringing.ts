/**
 * Ringing devices on other nodes of a cluster, as invitations see it (the implementation is
 * cluster/devices-ring.ts): the call stays on this node, its invitations, answers and cancels
 * travel over the bus.
 */
import type { DeviceLeg } from '../media/types.js';
import type { DeviceSession } from './session.js';

export type CancelReason = 'canceled' | 'answered-elsewhere' | 'rejected-elsewhere' | 'no-answer' | 'unregistered';

/** A device session on another node of the cluster. */
export interface RemoteSession {
  readonly node: string;
  readonly session: string;
}

/** What an invitation tells the devices of an identity on another node. */
export interface RemoteInvite {
  readonly callSid: string;
  readonly accountSid: string;
  /** The call token of each identity rung. */
  readonly callTokens: Readonly<Record<string, string>>;
  readonly parameters: Readonly<Record<string, string>>;
  readonly customParameters: Readonly<Record<string, string>>;
  readonly expiresAt: number;
  /**
   * The call woke devices: a session of these identities that registers on the node while it
   * rings is invited too (a woken device may connect to any node).
   */
  readonly joinable?: boolean;
}

/**
 * Ringing devices on other nodes of a cluster (cluster/devices-ring.ts): absent on a single node.
 * The call and the device's media leg stay on this node; the invitations, answers and cancels
 * travel over the bus.
 */
export interface RemoteRinging {
  /** Invites the identities' devices on other nodes (but `except`): how many each node invited. */
  invite(invite: RemoteInvite, except?: ReadonlySet<string>): Promise<ReadonlyMap<string, number>>;
  /** Tells `node` the call rings there no more (except for the session that answered it). */
  cancel(node: string, callSid: string, reason: CancelReason, except?: string): void;
  /** A device here answered a call another node holds: the answer goes to that node. */
  forward(
    session: DeviceSession,
    node: string,
    callToken: string,
    how: 'accept' | 'reject',
    sdp?: string,
  ): Promise<{ callSid: string }>;
  /** The caller's side of a device on another node that accepted: a leg here, relayed to it. */
  leg(device: RemoteSession, identity: string, callSid: string): DeviceLeg;
  /**
   * A leg here offering WebRTC to a device on another node (its SDP goes in that node's
   * invitation); undefined when this node's media has no WebRTC. Relayed once `adopt`ed.
   */
  offerLeg(device: RemoteSession, identity: string, callSid: string, candidatesInOffer: boolean): DeviceLeg | undefined;
  /** The offered leg of the device that accepted: relayed to it from now on. */
  adopt(device: RemoteSession, callSid: string, leg: DeviceLeg): void;
  /** A session here registered: calls other nodes ring for its identity that woke devices invite it too. */
  join(session: DeviceSession): void;
}
