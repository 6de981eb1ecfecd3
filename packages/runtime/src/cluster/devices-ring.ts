/**
 * Devices across nodes: a call on one node rings an identity whose devices are connected to
 * others. The caller's node (which holds the call, its ring timer and its call tokens) sends each
 * node listed in the identity's presence an invitation over the bus; that node pushes it to its
 * devices. An answer goes back to the caller's node, where the first one wins exactly as on one
 * node (bridge/invitations.ts), and the others are cancelled on every node. The device's session
 * stays on its node; its media leg lives on the caller's node, and what the device does to the
 * call (keys, mute, hang-up) is relayed to that leg, as the leg's end is relayed back.
 *
 * @example
 * const cluster = new ClusterDevices({ bus, media, clock, targets, session, push, isOpen, invitations: () => inv });
 * new Invitations({ ..., remote: cluster });
 */
import { DeviceError, type Outgoing, type ProtocolError } from '@patchbay/sdk/protocol';
import type { CommandChannel, CommandMessage, CommandRelay } from '../bridge/command-channel.js';
import type { CancelReason, Invitations, RemoteInvite, RemoteRinging, RemoteSession } from '../bridge/invitations.js';
import type { DeviceSession } from '../bridge/session.js';
import type { DeviceClusterOptions } from '../bridge/types.js';
import type { Clock } from '../clock/clock.js';
import type { DeviceLeg, MediaAdapter } from '../media/types.js';
import type { NodeDown, NodeId, Unsubscribe } from './bus.js';
import { ClusterPresence } from './devices-presence.js';
import {
  answerBody,
  answerReply,
  cancelBody,
  closedBody,
  commandsBody,
  controlBody,
  inviteBody,
  METHODS,
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

type Invite = ReturnType<typeof inviteBody.parse>;

type Action = { type: 'digits'; digits: string } | { type: 'mute'; muted: boolean } | { type: 'hangup' };

export class ClusterDevices implements RemoteRinging, CommandRelay {
  readonly presence: ClusterPresence;
  /** Calls other nodes hold that ring sessions here. */
  private readonly ringing = new Map<
    string,
    { origin: NodeId; sessions: Set<DeviceSession>; invite: Invite; stop: () => void }
  >();
  /** Legs here of devices on other nodes (this node holds the caller). */
  private readonly legs = new Map<string, { leg: DeviceLeg; device: RemoteSession }>();
  /** Calls of sessions here whose leg lives on another node. */
  private readonly relayed = new Map<string, { origin: NodeId; session: DeviceSession }>();
  private readonly stops: Unsubscribe[] = [];

  constructor(private readonly parts: ClusterDevicesParts) {
    const { bus } = parts;
    this.presence = new ClusterPresence(bus, parts.clock, {
      ...(parts.presenceTtlMs ? { ttlMs: parts.presenceTtlMs } : {}),
      ...(parts.onError ? { onError: parts.onError } : {}),
    });
    this.stops.push(
      bus.serve(METHODS.invite, (body, from) => this.invited(parseBody(inviteBody, body, METHODS.invite, from), from)),
      bus.serve(METHODS.cancel, (body, from) => this.canceled(parseBody(cancelBody, body, METHODS.cancel, from), from)),
      bus.serve(METHODS.answer, (body, from) => this.answered(parseBody(answerBody, body, METHODS.answer, from), from)),
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
      bus.serve(METHODS.closed, (body, from) => this.closed(parseBody(closedBody, body, METHODS.closed, from), from)),
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
    const { media } = this.parts;
    if (!media.deviceLeg) throw new DeviceError('GeneralError', `the ${media.name} media adapter cannot carry devices`);
    const leg = media.deviceLeg({
      identity,
      callSid,
      onAnswered: () => {},
      onEnded: () => {
        if (this.legs.get(callSid)?.leg !== leg) return;
        this.legs.delete(callSid);
        this.send(device.node, METHODS.closed, { callSid, session: device.session });
      },
    });
    this.legs.set(callSid, { leg, device });
    return leg;
  }

  private answered(body: ReturnType<typeof answerBody.parse>, from: NodeId) {
    const device = { node: from, session: body.session, accountSid: body.accountSid, identity: body.identity };
    try {
      return { ok: true, ...this.parts.invitations().answerFrom(device, body.callToken, body.how) };
    } catch (error) {
      if (error instanceof DeviceError) return { ok: false, error: error.toProtocol() };
      throw error;
    }
  }

  private controlled({ callSid, session, action }: ReturnType<typeof controlBody.parse>, from: NodeId) {
    const held = this.legs.get(callSid);
    if (!held || held.device.node !== from || held.device.session !== session) return { found: false };
    if (action.type === 'digits') held.leg.press(action.digits);
    else if (action.type === 'mute') held.leg.setMuted(action.muted);
    else held.leg.remoteHangup();
    return { found: true };
  }

  // ---- the device's node ----

  private invited(invite: Invite, from: NodeId): { invited: number } {
    const { parts } = this;
    // Offered again (a reoffer to a node whose devices came back): only sessions not ringing yet.
    const known = this.ringing.get(invite.callSid);
    const sessions = known?.sessions ?? new Set<DeviceSession>();
    let invited = 0;
    for (const [identity, callToken] of Object.entries(invite.callTokens))
      for (const session of parts.targets(invite.accountSid, identity)) {
        if (sessions.has(session)) continue;
        sessions.add(session);
        this.pushInvite(session, invite, callToken);
        invited++;
      }
    if (known || sessions.size === 0) return { invited };
    // Forgotten once the invitation expires, should the caller's cancel never come.
    const stop = parts.clock.setTimer(
      () => this.ringing.delete(invite.callSid),
      Math.max(1, invite.expiresAt - parts.clock.now() + RELAY_TIMEOUT_MS),
    );
    this.ringing.set(invite.callSid, { origin: from, sessions, invite, stop });
    return { invited };
  }

  /** A session here registered: calls ringing here for its identity that woke devices invite it too. */
  join(session: DeviceSession): void {
    for (const [callSid, entry] of this.ringing) {
      const { invite } = entry;
      const callToken = invite.callTokens[session.identity];
      if (!invite.joinable || invite.accountSid !== session.accountSid || !callToken || entry.sessions.has(session))
        continue;
      if (invite.expiresAt <= this.parts.clock.now()) continue;
      entry.sessions.add(session);
      this.pushInvite(session, invite, callToken);
      this.send(entry.origin, METHODS.joined, { callSid, count: 1 });
    }
  }

  private pushInvite(session: DeviceSession, invite: Invite, callToken: string): void {
    const message = {
      type: 'invite',
      callSid: invite.callSid,
      callToken,
      parameters: invite.parameters,
      customParameters: invite.customParameters,
      expiresAt: invite.expiresAt,
    } as const;
    this.parts.push(session, message, invite.expiresAt);
  }

  private canceled({ callSid, reason, except }: ReturnType<typeof cancelBody.parse>, from: NodeId): object {
    const entry = this.ringing.get(callSid);
    if (!entry || entry.origin !== from) return {};
    this.forget(callSid);
    for (const session of entry.sessions)
      if (session.id !== except && this.parts.isOpen(session))
        this.parts.push(session, { type: 'cancel', callSid, reason });
    return {};
  }

  async forward(
    session: DeviceSession,
    node: string,
    callToken: string,
    how: 'accept' | 'reject',
  ): Promise<{ callSid: string }> {
    const body = { session: session.id, accountSid: session.accountSid, identity: session.identity, callToken, how };
    const reply = await this.parts.bus
      .request(node, METHODS.answer, body, { timeoutMs: RELAY_TIMEOUT_MS })
      .then((answer) => parseBody(answerReply, answer, `reply to ${METHODS.answer}`, node))
      .catch((error: unknown) => {
        this.report(error, undefined);
        throw new DeviceError('CallCancelled', `the node holding the call (${node}) did not take the answer`);
      });
    // fromProtocol turns a name this version does not know into a GeneralError.
    if (!reply.ok) throw DeviceError.fromProtocol(reply.error as ProtocolError);
    const { callSid } = reply;
    this.ringing.get(callSid)?.sessions.delete(session);
    if (how === 'accept') {
      this.relayed.set(callSid, { origin: node, session });
      const control = (action: Action) => this.send(node, METHODS.control, { callSid, session: session.id, action });
      session.calls.set(callSid, {
        press: (digits) => control({ type: 'digits', digits }),
        setMuted: (muted) => control({ type: 'mute', muted }),
        remoteHangup: () => control({ type: 'hangup' }),
      });
      this.parts.push(session, { type: 'call', callSid, state: 'open' });
    }
    return { callSid };
  }

  /** A session here rings for nothing any more (unregistered, ended): the callers' nodes are told. */
  withdraw(session: DeviceSession): void {
    for (const [callSid, entry] of [...this.ringing]) {
      if (!entry.sessions.delete(session)) continue;
      if (this.parts.isOpen(session)) this.parts.push(session, { type: 'cancel', callSid, reason: 'unregistered' });
      if (entry.sessions.size === 0) this.forget(callSid);
      this.send(entry.origin, METHODS.withdrawn, { callSid, count: 1 });
    }
  }

  private closed({ callSid, session: id }: ReturnType<typeof closedBody.parse>, from: NodeId): object {
    const relayed = this.relayed.get(callSid);
    if (!relayed || relayed.origin !== from || relayed.session.id !== id) return {};
    this.endRelayed(callSid, relayed.session);
    return {};
  }

  private endRelayed(callSid: string, session: DeviceSession): void {
    this.relayed.delete(callSid);
    if (session.calls.delete(callSid) && this.parts.isOpen(session))
      this.parts.push(session, { type: 'call', callSid, state: 'closed' });
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
    for (const [callSid, entry] of [...this.ringing])
      if (entry.origin === node) this.canceled({ callSid, reason: 'canceled' }, node);
    for (const [callSid, relayed] of [...this.relayed])
      if (relayed.origin === node) this.endRelayed(callSid, relayed.session);
    for (const { leg, device } of [...this.legs.values()]) if (device.node === node) leg.remoteHangup();
  }

  private forget(callSid: string): void {
    this.ringing.get(callSid)?.stop();
    this.ringing.delete(callSid);
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
    for (const callSid of [...this.ringing.keys()]) this.forget(callSid);
    await this.presence.close();
  }
}
