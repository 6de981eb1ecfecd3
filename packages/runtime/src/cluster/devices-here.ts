/**
 * Devices across nodes, on the device's node (cluster/devices-ring.ts is the rest): calls other
 * nodes hold that ring sessions here (each WebRTC session invited with the caller's node's
 * offer), woken sessions that register while such a call rings, answers forwarded to the
 * caller's node, and the calls of sessions here whose leg lives there (keys, mute, hang-up and ICE
 * restarts relayed; the leg's end relayed back).
 */
import { DeviceError, type ProtocolError } from '@patchbay/sdk/protocol';
import type { DeviceSession } from '../bridge/session.js';
import type { NodeId } from './bus.js';
import type { ClusterDevicesParts } from './devices-ring.js';
import { offerFrom, relayedControl } from './devices-webrtc.js';
import { answerReply, type cancelBody, type closedBody, type inviteBody, METHODS, parseBody } from './devices-wire.js';

type Invite = ReturnType<typeof inviteBody.parse>;

/** A call another node holds, ringing sessions here. */
interface Ringing {
  readonly origin: NodeId;
  readonly sessions: Set<DeviceSession>;
  readonly invite: Invite;
  readonly stop: () => void;
}

export class RingingHere {
  /** Calls other nodes hold that ring sessions here. */
  private readonly ringing = new Map<string, Ringing>();
  /** Calls of sessions here whose leg lives on another node. */
  private readonly relayed = new Map<string, { origin: NodeId; session: DeviceSession }>();

  constructor(
    private readonly parts: Pick<ClusterDevicesParts, 'bus' | 'clock' | 'targets' | 'push' | 'isOpen' | 'onError'>,
    private readonly timeoutMs: number,
    /** Tells `node` something, not waiting for its answer (a failure is reported). */
    private readonly send: (node: NodeId, method: string, body: unknown) => void,
  ) {}

  async invited(invite: Invite, from: NodeId): Promise<{ invited: number }> {
    const { parts } = this;
    // Offered again (a reoffer to a node whose devices came back): only sessions not ringing yet.
    const entry = this.ringing.get(invite.callSid) ?? this.ring(invite, from);
    const fresh: Array<readonly [DeviceSession, string]> = [];
    for (const [identity, callToken] of Object.entries(invite.callTokens))
      for (const session of parts.targets(invite.accountSid, identity)) {
        if (entry.sessions.has(session)) continue;
        entry.sessions.add(session);
        fresh.push([session, callToken]);
      }
    if (entry.sessions.size === 0) this.forget(invite.callSid);
    await this.inviteAll(entry, fresh);
    return { invited: fresh.length };
  }

  /** A call another node holds starts ringing here; forgotten once it expires, should the caller's cancel never come. */
  private ring(invite: Invite, origin: NodeId): Ringing {
    const stop = this.parts.clock.setTimer(
      () => this.ringing.delete(invite.callSid),
      Math.max(1, invite.expiresAt - this.parts.clock.now() + this.timeoutMs),
    );
    const entry = { origin, sessions: new Set<DeviceSession>(), invite, stop };
    this.ringing.set(invite.callSid, entry);
    return entry;
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
      void this.inviteAll(entry, [[session, callToken]]);
      this.send(entry.origin, METHODS.joined, { callSid, count: 1 });
    }
  }

  /** Invites sessions here, each WebRTC one with the caller's node's offer, unless the call stopped ringing meanwhile. */
  private async inviteAll(entry: Ringing, sessions: ReadonlyArray<readonly [DeviceSession, string]>): Promise<void> {
    const { invite, origin } = entry;
    const onError = (error: unknown) => this.parts.onError?.(error);
    const offers = await Promise.all(
      sessions.map(([session]) => offerFrom(this.parts.bus, origin, invite.callSid, session, onError)),
    );
    for (const [index, [session, callToken]] of sessions.entries()) {
      if (this.ringing.get(invite.callSid) !== entry || !entry.sessions.has(session)) continue;
      const sdp = offers[index];
      const message = {
        type: 'invite',
        callSid: invite.callSid,
        callToken,
        parameters: invite.parameters,
        customParameters: invite.customParameters,
        expiresAt: invite.expiresAt,
        ...(sdp !== undefined ? { sdp } : {}),
      } as const;
      this.parts.push(session, message, invite.expiresAt);
    }
  }

  canceled({ callSid, reason, except }: ReturnType<typeof cancelBody.parse>, from: NodeId): object {
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
    sdp?: string,
  ): Promise<{ callSid: string }> {
    const { id, accountSid, identity } = session;
    const body = { session: id, accountSid, identity, callToken, how, ...(sdp !== undefined ? { sdp } : {}) };
    const reply = await this.parts.bus
      .request(node, METHODS.answer, body, { timeoutMs: this.timeoutMs })
      .then((answer) => parseBody(answerReply, answer, `reply to ${METHODS.answer}`, node))
      .catch((error: unknown) => {
        this.parts.onError?.(error);
        throw new DeviceError('CallCancelled', `the node holding the call (${node}) did not take the answer`);
      });
    // fromProtocol turns a name this version does not know into a GeneralError.
    if (!reply.ok) throw DeviceError.fromProtocol(reply.error as ProtocolError);
    const { callSid } = reply;
    this.ringing.get(callSid)?.sessions.delete(session);
    if (how === 'accept') {
      this.relayed.set(callSid, { origin: node, session });
      session.calls.set(
        callSid,
        relayedControl(this.parts.bus, node, callSid, session, (action) =>
          this.send(node, METHODS.control, { callSid, session: session.id, action }),
        ),
      );
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

  closed({ callSid, session: id }: ReturnType<typeof closedBody.parse>, from: NodeId): object {
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

  /** A node died: calls it held ring here no more, and the calls relayed to it end. */
  nodeDown(node: NodeId): void {
    for (const [callSid, entry] of [...this.ringing])
      if (entry.origin === node) this.canceled({ callSid, reason: 'canceled' }, node);
    for (const [callSid, relayed] of [...this.relayed])
      if (relayed.origin === node) this.endRelayed(callSid, relayed.session);
  }

  private forget(callSid: string): void {
    this.ringing.get(callSid)?.stop();
    this.ringing.delete(callSid);
  }

  close(): void {
    for (const callSid of [...this.ringing.keys()]) this.forget(callSid);
  }
}
