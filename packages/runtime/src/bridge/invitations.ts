/**
 * Ringing client devices: the invitations of each call that rings an identity, and how it ends.
 * Every registration gets an `invite` with a sealed call token; the first device to call back
 * with it is bridged in (the others get `cancel answered-elsewhere`), a reject ends the attempt as
 * busy, and the Dial timeout, the caller hanging up, or every invited device going away ends it
 * too. Call tokens are checked before they are spent, so the wrong device cannot burn one.
 */
import { DeviceError, type Outgoing } from '@patchbay/sdk/protocol';
import type { Clock } from '../clock/clock.js';
import type { DeviceLeg, OriginateOutcome } from '../media/types.js';
import type { CallTokens } from './call-tokens.js';
import type { CancelReason, RemoteInvite, RemoteRinging, RemoteSession } from './remote-ringing.js';
import { cancelRemote, invitedElsewhere, type Ringing, reofferLater } from './ringing.js';
import type { DeviceSession } from './session.js';

export type { CancelReason, RemoteInvite, RemoteRinging, RemoteSession } from './remote-ringing.js';

/** `<Dial><Client>` (or an API call to `client:<identity>`) asking to ring an identity. */
export interface ClientRing {
  readonly accountSid: string;
  readonly callSid: string;
  readonly identity: string;
  readonly from: string;
  readonly timeoutMs: number;
  readonly parameters: Readonly<Record<string, string>>;
  /** Other identities rung with it (a registered number's devices: devices/ring-number.ts). */
  readonly alsoIdentities?: readonly string[];
  /** The `To` the devices see. @default `client:<identity>` */
  readonly to?: string;
}

/** What invitations need from the bridge. */
export interface InvitationHost {
  readonly clock: Clock;
  readonly tokens: CallTokens;
  /** This node's name, sealed into call tokens. */
  readonly node: string;
  /** Sends a sequenced message to a session (`expiresAt`: not sent again after it). */
  push(session: DeviceSession, message: Outgoing, expiresAt?: number): void;
  /** Reports a refused call token and returns the error. */
  refuse(error: DeviceError, session: DeviceSession): DeviceError;
  /** The accepting device's media leg, attached to its session. */
  attachLeg(session: DeviceSession, callSid: string): DeviceLeg;
  /** A leg that offers WebRTC to an invited device (not yet kept with its session). */
  offerLeg(session: DeviceSession, callSid: string): DeviceLeg | undefined;
  /** Keeps an offered leg with the session that accepted it. */
  adoptLeg(session: DeviceSession, callSid: string, leg: DeviceLeg): void;
  /** Whether the session still exists (an ended one is told nothing). */
  isOpen(session: DeviceSession): boolean;
  /** Devices on other nodes of the cluster. @default none: a single node */
  readonly remote?: RemoteRinging | undefined;
}

export class Invitations {
  private readonly rings = new Map<string, Ringing>();

  constructor(private readonly host: InvitationHost) {}

  /** Invites `targets`; settles when one accepts, one rejects, or nobody can answer any more. */
  async ring(
    request: ClientRing,
    targets: readonly DeviceSession[],
    signal: AbortSignal,
    onRinging?: () => void,
  ): Promise<OriginateOutcome> {
    const { remote } = this.host;
    if (targets.length === 0 && !remote) return { outcome: 'no-answer', reason: 'no device registered' };
    if (signal.aborted) return { outcome: 'canceled' };
    const { clock, tokens } = this.host;
    const expiresAt = clock.now() + request.timeoutMs;
    const offered = new Map<DeviceSession, DeviceLeg>();
    let ringing: Ringing | undefined;
    const outcome = new Promise<OriginateOutcome>((resolve) => {
      ringing = { invited: new Set(targets), offered, remote: new Map(), settle: resolve };
      this.rings.set(request.callSid, ringing);
    });
    // One call token per identity rung: each device can only answer as itself.
    const callTokens: Record<string, string> = {};
    for (const identity of [request.identity, ...(request.alsoIdentities ?? [])])
      callTokens[identity] ??= tokens.seal({
        callSid: request.callSid,
        node: this.host.node,
        accountSid: request.accountSid,
        identity,
        expiresAt,
      });
    const callTokenFor = (identity: string) => callTokens[identity] as string;
    const parameters = {
      CallSid: request.callSid,
      AccountSid: request.accountSid,
      From: request.from,
      To: request.to ?? `client:${request.identity}`,
      ApiVersion: '2010-04-01',
    };
    const remoteInvite: RemoteInvite = {
      callSid: request.callSid,
      accountSid: request.accountSid,
      callTokens,
      parameters,
      customParameters: { ...request.parameters },
      expiresAt,
    };
    if (ringing && remote) ringing.invite = remoteInvite;
    const [offers, elsewhere] = await Promise.all([
      this.offers(request.callSid, targets, offered),
      remote?.invite(remoteInvite),
    ]);
    if (ringing && elsewhere) invitedElsewhere(this.host.remote, request.callSid, ringing, elsewhere);
    for (const session of targets) {
      session.invitations.add(request.callSid);
      const invite = {
        type: 'invite',
        callSid: request.callSid,
        callToken: callTokenFor(session.identity),
        parameters,
        customParameters: { ...request.parameters },
        expiresAt,
        ...(offers.has(session) ? { sdp: offers.get(session) as string } : {}),
      } as const;
      this.host.push(session, invite, expiresAt);
    }
    if (targets.length === 0 && ringing?.remote.size === 0)
      this.finish(request.callSid, { outcome: 'no-answer', reason: 'no device registered' }, 'no-answer');
    onRinging?.();
    const cancelTimer = clock.setTimer(
      () => this.finish(request.callSid, { outcome: 'no-answer' }, 'no-answer'),
      request.timeoutMs,
    );
    const onAbort = () => this.finish(request.callSid, { outcome: 'canceled' }, 'canceled');
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) onAbort();
    try {
      return await outcome;
    } finally {
      cancelTimer();
      signal.removeEventListener('abort', onAbort);
    }
  }

  /**
   * Patchbay's offer to each WebRTC device among `targets` (a device whose offer fails is invited
   * without one and answers without audio rather than not at all).
   */
  private async offers(
    callSid: string,
    targets: readonly DeviceSession[],
    offered: Map<DeviceSession, DeviceLeg>,
  ): Promise<Map<DeviceSession, string>> {
    const sdps = new Map<DeviceSession, string>();
    await Promise.all(
      targets
        .filter((session) => session.webrtc)
        .map(async (session) => {
          const leg = this.host.offerLeg(session, callSid);
          if (!leg) return;
          if (!leg.localSdp) return void leg.hangup().catch(() => undefined);
          offered.set(session, leg);
          const sdp = await leg.localSdp().catch(() => undefined);
          if (sdp === undefined) {
            offered.delete(session);
            await leg.hangup().catch(() => undefined);
          } else sdps.set(session, sdp);
        }),
    );
    return sdps;
  }

  /** A device called back with an invitation's call token (and, accepting an offer, its answer). */
  async answer(
    session: DeviceSession,
    callToken: string,
    how: 'accept' | 'reject',
    sdp?: string,
  ): Promise<{ callSid: string }> {
    const { tokens } = this.host;
    let claims: ReturnType<CallTokens['open']>;
    try {
      claims = tokens.open(callToken);
      if (claims.accountSid !== session.accountSid || claims.identity !== session.identity)
        throw new DeviceError('CallTokenInvalid', 'the call token was issued to another identity');
      // A call another node holds: that node spends the token and decides (the first accept wins there).
      if (claims.node === this.host.node || !this.host.remote) tokens.spend(claims);
    } catch (error) {
      throw this.host.refuse(error as DeviceError, session);
    }
    if (claims.node !== this.host.node && this.host.remote)
      return this.host.remote.forward(session, claims.node, callToken, how);
    const callSid = claims.callSid;
    if (!this.rings.has(callSid)) throw new DeviceError('CallCancelled', `call ${callSid} is no longer ringing`);
    if (how === 'reject') {
      this.finish(callSid, { outcome: 'busy', reason: 'rejected by the device' }, 'rejected-elsewhere', session);
      return { callSid };
    }
    const offered = this.rings.get(callSid)?.offered.get(session);
    let leg: DeviceLeg;
    if (offered) {
      this.rings.get(callSid)?.offered.delete(session);
      if (sdp !== undefined && offered.completeSdp) {
        try {
          await offered.completeSdp(sdp);
        } catch (error) {
          await offered.hangup().catch(() => undefined);
          throw new DeviceError('MalformedRequest', `the answer cannot carry the call: ${String(error)}`.slice(0, 500));
        }
      }
      if (!this.rings.has(callSid)) {
        await offered.hangup().catch(() => undefined);
        throw new DeviceError('CallCancelled', `call ${callSid} is no longer ringing`);
      }
      this.host.adoptLeg(session, callSid, offered);
      leg = offered;
    } else leg = this.host.attachLeg(session, callSid);
    this.finish(callSid, { outcome: 'answered', leg }, 'answered-elsewhere', session);
    this.host.push(session, { type: 'call', callSid, state: 'open' });
    return { callSid };
  }

  /**
   * A device on another node answered with a call token this node sealed (forwarded by its node):
   * the same checks and the same outcome as a device here, its leg relayed to its node.
   */
  answerFrom(
    device: RemoteSession & { readonly accountSid: string; readonly identity: string },
    callToken: string,
    how: 'accept' | 'reject',
  ): { callSid: string } {
    const { tokens, remote } = this.host;
    const claims = tokens.open(callToken);
    if (
      claims.accountSid !== device.accountSid ||
      claims.identity !== device.identity ||
      claims.node !== this.host.node
    )
      throw new DeviceError('CallTokenInvalid', 'the call token was issued to another identity');
    tokens.spend(claims);
    const callSid = claims.callSid;
    if (!this.rings.has(callSid) || !remote)
      throw new DeviceError('CallCancelled', `call ${callSid} is no longer ringing`);
    if (how === 'reject') {
      this.finish(callSid, { outcome: 'busy', reason: 'rejected by the device' }, 'rejected-elsewhere', device);
      return { callSid };
    }
    const leg = remote.leg(device, device.identity, callSid);
    this.finish(callSid, { outcome: 'answered', leg }, 'answered-elsewhere', device);
    return { callSid };
  }

  /** Devices invited on `node` ring no more (unregistered, gone): a call left with nobody is not answered. */
  withdrawnElsewhere(node: string, callSid: string, count: number): void {
    const ringing = this.rings.get(callSid);
    const left = (ringing?.remote.get(node) ?? 0) - count;
    if (!ringing?.remote.has(node)) return;
    if (left > 0) ringing.remote.set(node, left);
    else ringing.remote.delete(node);
    if (ringing.invited.size === 0 && ringing.remote.size === 0)
      this.finish(callSid, { outcome: 'no-answer' }, 'no-answer');
  }

  /**
   * A node died: its devices ring no more, but the call rings on until its timeout, re-offered
   * to the identity's devices on other nodes as they come back (they reconnect elsewhere).
   */
  nodeDown(node: string): void {
    for (const [callSid, ringing] of [...this.rings]) {
      if (!ringing.remote.delete(node) || !ringing.invite) continue;
      reofferLater(this.host, callSid, ringing, ringing.invite);
    }
  }

  /** `session` rings for nothing any more (unregistered, or ended); calls left with nobody to ring are not answered. */
  withdraw(session: DeviceSession): void {
    for (const callSid of [...session.invitations]) {
      session.invitations.delete(callSid);
      const ringing = this.rings.get(callSid);
      if (!ringing?.invited.delete(session)) continue;
      if (this.host.isOpen(session)) this.host.push(session, { type: 'cancel', callSid, reason: 'unregistered' });
      if (ringing.invited.size === 0 && ringing.remote.size === 0)
        this.finish(callSid, { outcome: 'no-answer' }, 'no-answer');
    }
  }

  /** Every call still ringing ends (the server is closing). */
  cancelAll(): void {
    for (const callSid of [...this.rings.keys()]) this.finish(callSid, { outcome: 'canceled' }, 'canceled');
  }

  private finish(
    callSid: string,
    outcome: OriginateOutcome,
    reason: CancelReason,
    except?: DeviceSession | RemoteSession,
  ): void {
    const ringing = this.rings.get(callSid);
    if (!ringing) return;
    this.rings.delete(callSid);
    ringing.ended = { reason, except };
    ringing.stopReoffer?.();
    for (const node of ringing.remote.keys()) cancelRemote(this.host.remote, node, callSid, reason, except);
    ringing.remote.clear();
    for (const [session, leg] of ringing.offered) if (session !== except) void leg.hangup().catch(() => undefined);
    ringing.offered.clear();
    for (const session of ringing.invited) {
      session.invitations.delete(callSid);
      if (session !== except) this.host.push(session, { type: 'cancel', callSid, reason });
    }
    ringing.settle(outcome);
  }
}
