/**
 * Devices across nodes: a call on one node rings an identity whose devices are connected to
 * others. The caller's node (which holds the call, its ring timer and its call tokens) sends each
 * node listed in the identity's presence an invitation over the bus; that node pushes it to its
 * devices. An answer goes back to the caller's node, where the first one wins exactly as on one
 * node (bridge/invitations.ts), and the others are cancelled on every node. The device's session
 * stays on its node; its media leg lives on the caller's node (a WebRTC device is invited with
 * that node's offer: cluster/devices-webrtc.ts), and what the device does to the call (keys, mute,
 * hang-up, ICE restarts) is relayed to that leg, as the leg's end is relayed back. The device's
 * node's side is cluster/devices-here.ts.
 *
 * @example
 * const cluster = new ClusterDevices({ bus, media, clock, targets, session, push, isOpen, invitations: () => inv });
 * new Invitations({ ..., remote: cluster });
 */
import { DeviceError, type Outgoing } from '@patchbay/sdk/protocol';
import type { CommandChannel, CommandMessage, CommandRelay } from '../bridge/command-channel.js';
import type { CancelReason, Invitations, RemoteInvite, RemoteRinging, RemoteSession } from '../bridge/invitations.js';
import type { DeviceSession } from '../bridge/session.js';
import type { DeviceClusterOptions } from '../bridge/types.js';
import type { Clock } from '../clock/clock.js';
import type { DeviceLeg, MediaAdapter } from '../media/types.js';
import type { NodeDown, NodeId, Unsubscribe } from './bus.js';
import { RingingHere } from './devices-here.js';
import { ClusterPresence } from './devices-presence.js';
import { applyControl } from './devices-webrtc.js';
import {
  answerBody,
  cancelBody,
  closedBody,
  commandsBody,
  controlBody,
  inviteBody,
  METHODS,
  offerBody,
  parseBody,
  withdrawnBody,
} from './devices-wire.js';

/** The member set of the nodes carrying a device's commands. */
const commandsSet = (device: string) => `commands:${device}`;

/** How long a node has to answer an invitation or an answer. @default 3000 */
const RELAY_TIMEOUT_MS = 3000;

export interface ClusterDevicesParts extends DeviceClusterOptions {
  readonly media: MediaAdapter;
  readonly clock: Clock;
  /** Sessions here that may be rung for the identity (registered, allowed incoming calls). */
  targets(accountSid: string, identity: string): DeviceSession[];
  /** An open session here. */
  session(id: string): DeviceSession | undefined;
  push(session: DeviceSession, message: Outgoing, expiresAt?: number): void;
  isOpen(session: DeviceSession): boolean;
  invitations(): Invitations;
  commands(): CommandChannel;
}

export class ClusterDevices implements RemoteRinging, CommandRelay {
  readonly presence: ClusterPresence;
  /** Calls other nodes hold that ring sessions here, and the calls of sessions here whose leg lives there. */
  private readonly here: RingingHere;
  /** Legs here of devices on other nodes (this node holds the caller). */
  private readonly legs = new Map<string, { leg: DeviceLeg; device: RemoteSession }>();
  private readonly stops: Unsubscribe[] = [];

  constructor(private readonly parts: ClusterDevicesParts) {
    const { bus } = parts;
    this.presence = new ClusterPresence(bus, parts.clock, {
      ...(parts.presenceTtlMs ? { ttlMs: parts.presenceTtlMs } : {}),
      ...(parts.onError ? { onError: parts.onError } : {}),
    });
    const here = new RingingHere(parts, RELAY_TIMEOUT_MS, (node, method, body) => this.send(node, method, body));
    this.here = here;
    this.stops.push(
      bus.serve(METHODS.invite, (body, from) => here.invited(parseBody(inviteBody, body, METHODS.invite, from), from)),
      bus.serve(METHODS.cancel, (body, from) => here.canceled(parseBody(cancelBody, body, METHODS.cancel, from), from)),
      bus.serve(METHODS.answer, (body, from) => this.answered(parseBody(answerBody, body, METHODS.answer, from), from)),
      bus.serve(METHODS.offer, async (body, from) => {
        const { callSid, candidatesInOffer, ...device } = parseBody(offerBody, body, METHODS.offer, from);
        const sdp = await parts.invitations().offerFor({ ...device, node: from }, callSid, candidatesInOffer === true);
        return sdp === undefined ? {} : { sdp };
      }),
      bus.serve(METHODS.withdrawn, (body, from) => {
        const { callSid, count } = parseBody(withdrawnBody, body, METHODS.withdrawn, from);
        parts.invitations().withdrawnElsewhere(from, callSid, count);
        return {};
      }),
      bus.serve(METHODS.joined, (body, from) => {
        const { callSid, count } = parseBody(withdrawnBody, body, METHODS.joined, from);
        parts.invitations().joinedElsewhere(from, callSid, count);
        return {};
      }),
      bus.serve(METHODS.control, (body, from) =>
        this.controlled(parseBody(controlBody, body, METHODS.control, from), from),
      ),
      bus.serve(METHODS.closed, (body, from) => here.closed(parseBody(closedBody, body, METHODS.closed, from), from)),
      bus.serve(METHODS.commands, (body, from) => {
        const { device, messages } = parseBody(commandsBody, body, METHODS.commands, from);
        const channel = parts.commands();
        // Only a connected session: one waiting to resume is not enough (the sender wakes the device).
        if (!channel.attached(device)) return { sent: false };
        for (const message of messages) channel.send(message as unknown as CommandMessage);
        return { sent: true };
      }),
    );
    const onDown = (down: NodeDown) => this.nodeDown(down.node);
    bus.on('node-down', onDown);
    this.stops.push(() => bus.off('node-down', onDown));
  }

  // ---- the caller's node ----

  async invite(invite: RemoteInvite, except?: ReadonlySet<string>): Promise<ReadonlyMap<string, number>> {
    const { presence } = this;
    const { bus } = this.parts;
    const listed = await Promise.all(
      Object.keys(invite.callTokens).map((identity) =>
        presence.nodes(invite.accountSid, identity).catch((error: unknown) => this.report(error, [])),
      ),
    );
    const nodes = [...new Set(listed.flat())].filter((node) => !except?.has(node));
    const counts = await Promise.all(
      nodes.map((node) =>
        bus
          .request<{ invited: number }>(node, METHODS.invite, invite, { timeoutMs: RELAY_TIMEOUT_MS })
          .then((reply) => [node, reply.invited] as const)
          .catch((error: unknown) => this.report(error, [node, 0] as const)),
      ),
    );
    return new Map(counts);
  }

  cancel(node: string, callSid: string, reason: CancelReason, except?: string): void {
    this.send(node, METHODS.cancel, { callSid, reason, ...(except ? { except } : {}) });
  }

  leg(device: RemoteSession, identity: string, callSid: string): DeviceLeg {
    const leg = this.newLeg(device, identity, callSid);
    this.adopt(device, callSid, leg);
    return leg;
  }

  offerLeg(
    device: RemoteSession,
    identity: string,
    callSid: string,
    candidatesInOffer: boolean,
  ): DeviceLeg | undefined {
    if (!this.parts.media.capabilities.webrtc) return undefined;
    return this.newLeg(device, identity, callSid, {
      sdp: 'offer',
      ...(candidatesInOffer ? { candidatesInOffer } : {}),
    });
  }

  adopt(device: RemoteSession, callSid: string, leg: DeviceLeg): void {
    this.legs.set(callSid, { leg, device });
  }

  /** A leg here for a device there: its end is told to the device's node once it is the call's leg. */
  private newLeg(
    device: RemoteSession,
    identity: string,
    callSid: string,
    offer?: { sdp: 'offer'; candidatesInOffer?: boolean },
  ): DeviceLeg {
    const { media } = this.parts;
    if (!media.deviceLeg) throw new DeviceError('GeneralError', `the ${media.name} media adapter cannot carry devices`);
    const leg: DeviceLeg = media.deviceLeg({
      identity,
      callSid,
      ...offer,
      onAnswered: () => {},
      onEnded: () => {
        if (this.legs.get(callSid)?.leg !== leg) return;
        this.legs.delete(callSid);
        this.send(device.node, METHODS.closed, { callSid, session: device.session });
      },
    });
    return leg;
  }

  private async answered(body: ReturnType<typeof answerBody.parse>, from: NodeId) {
    const device = { node: from, session: body.session, accountSid: body.accountSid, identity: body.identity };
    try {
      return { ok: true, ...(await this.parts.invitations().answerFrom(device, body.callToken, body.how, body.sdp)) };
    } catch (error) {
      if (error instanceof DeviceError) return { ok: false, error: error.toProtocol() };
      throw error;
    }
  }

  private controlled({ callSid, session, action }: ReturnType<typeof controlBody.parse>, from: NodeId) {
    const held = this.legs.get(callSid);
    if (!held || held.device.node !== from || held.device.session !== session) return { found: false };
    return applyControl(held.leg, action);
  }

  // ---- the device's node (cluster/devices-here.ts) ----

  join(session: DeviceSession): void {
    this.here.join(session);
  }

  forward(
    session: DeviceSession,
    node: string,
    callToken: string,
    how: 'accept' | 'reject',
    sdp?: string,
  ): Promise<{ callSid: string }> {
    return this.here.forward(session, node, callToken, how, sdp);
  }

  withdraw(session: DeviceSession): void {
    this.here.withdraw(session);
  }

  // ---- commands (bridge/command-channel.ts) ----

  carries(device: string, carrying: boolean): void {
    this.presence.hold(commandsSet(device), carrying);
  }

  async sendElsewhere(device: string, messages: readonly CommandMessage[]): Promise<boolean> {
    const nodes = await this.presence.holders(commandsSet(device)).catch((error: unknown) => this.report(error, []));
    for (const node of nodes) {
      const reply = await this.parts.bus
        .request<{ sent?: unknown }>(node, METHODS.commands, { device, messages }, { timeoutMs: RELAY_TIMEOUT_MS })
        .catch((error: unknown) => this.report(error, { sent: false }));
      if (reply.sent === true) return true;
    }
    return false;
  }

  // ---- both ----

  /** A node died: calls it held ring and run here no more, its devices' legs here end. */
  private nodeDown(node: NodeId): void {
    this.parts.invitations().nodeDown(node);
    this.here.nodeDown(node);
    for (const { leg, device } of [...this.legs.values()]) if (device.node === node) leg.remoteHangup();
  }

  private send(node: NodeId, method: string, body: unknown): void {
    this.parts.bus.request(node, method, body, { timeoutMs: RELAY_TIMEOUT_MS }).catch((error: unknown) => {
      this.report(error, undefined);
    });
  }

  private report<T>(error: unknown, fallback: T): T {
    this.parts.onError?.(error);
    return fallback;
  }

  async close(): Promise<void> {
    for (const stop of this.stops.splice(0)) stop();
    this.here.close();
    await this.presence.close();
  }
}
