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
import {
  answerFromElsewhere,
  type Elsewhere,
  joinedOn,
  nodeGoneFor,
  offerElsewhere,
  type RemoteDevice,
  withdrawnOn,
} from './elsewhere.js';
import { completeOffered, offersTo } from './offers.js';
import type { CancelReason, RemoteRinging, RemoteSession } from './remote-ringing.js';
import {
  callTokenOf,
  cancelRemote,
  invitedElsewhere,
  inviteParameters,
  nobodyLeft,
  type Ringing,
  remoteInviteOf,
  reofferLater,
} from './ringing.js';
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
  /** The registered number rung (devices/ring-number.ts): its offline devices are woken for the call. */
  readonly number?: string;
}

/** What invitations need from the bridge. */
export interface InvitationHost {
  readonly clock: Clock;
  readonly tokens: CallTokens;
  /** This node's name, sealed into call tokens. */
  readonly node: string;
  /** Sends a sequenced message to a session (`expiresAt`: not sent again after it). */
  push(session: DeviceSession, message: Outgoing, expiresAt?: number): void;
  /** Reports a refused call token and returns the error (the device's session here, or on another node). */
  refuse(error: DeviceError, session: DeviceSession | RemoteDevice): DeviceError;
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

/**
 * Devices woken for a ring (devices/ring-wake.ts): `start` sends the wake-ups once the ring is
 * open and tells whether any was delivered (none: the ring stops waiting for them).
 */
export interface Waking {
  start(): Promise<boolean>;
}

export class Invitations {
  private readonly rings = new Map<string, Ringing>();
  private readonly elsewhere: Elsewhere;

  constructor(private readonly host: InvitationHost) {
    const finish: Elsewhere['finish'] = (callSid, outcome, reason, except) =>
      this.finish(callSid, outcome, reason, except);
    this.elsewhere = { host, rings: this.rings, finish };
  }

  /**
   * Invites `targets`; settles when one accepts, one rejects, or nobody can answer any more. With
   * `waking`, offline devices are being woken: the ring stays open its whole time for them, and a
   * session of the identities rung that registers before it ends is invited too (`join`).
   */
  async ring(
    request: ClientRing,
    targets: readonly DeviceSession[],
    signal: AbortSignal,
    onRinging?: () => void,
    waking?: Waking,
  ): Promise<OriginateOutcome> {
    const { clock, remote } = this.host;
    if (targets.length === 0 && !waking && !remote) return { outcome: 'no-answer', reason: 'no device registered' };
    if (signal.aborted) return { outcome: 'canceled' };
    let settle: (outcome: OriginateOutcome) => void = () => {};
    const outcome = new Promise<OriginateOutcome>((resolve) => {
      settle = resolve;
    });
    const ringing: Ringing = {
      request,
      expiresAt: clock.now() + request.timeoutMs,
      identities: new Set([request.identity, ...(request.alsoIdentities ?? [])]),
      invited: new Set(targets),
      offered: new Map(),
      offeredElsewhere: new Map(),
      remote: new Map(),
      withdrawnEarly: new Map(),
      callTokens: new Map(),
      joinable: waking !== undefined,
      waking: waking !== undefined,
      settle,
    };
    this.rings.set(request.callSid, ringing);
    if (remote) ringing.invite = remoteInviteOf(this.host, ringing);
    const [offers, elsewhere] = await Promise.all([
      offersTo(this.host, request.callSid, targets, ringing.offered),
      ringing.invite && remote?.invite(ringing.invite),
    ]);
    if (elsewhere) invitedElsewhere(remote, request.callSid, ringing, elsewhere);
    for (const session of targets) this.invite(ringing, session, offers.get(session));
    if (targets.length === 0 && nobodyLeft(ringing))
      this.finish(request.callSid, { outcome: 'no-answer', reason: 'no device registered' }, 'no-answer');
    onRinging?.();
    if (waking) {
      void this.woken(ringing, waking);
      // A woken device may connect to another node: offered there as soon as it registers.
      if (ringing.invite) reofferLater(this.host, request.callSid, ringing, ringing.invite);
    }
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
   * A session registered: every call still ringing its identity (in its account) that woke
   * devices invites it too, with what is left of the ring's time (a device woken for the call
   * connects and is offered it). Other rings keep the sessions they started with.
   */
  async join(session: DeviceSession): Promise<void> {
    this.host.remote?.join(session);
    const ringing = [...this.rings.values()].filter(
      (ring) =>
        ring.joinable &&
        ring.request.accountSid === session.accountSid &&
        ring.identities.has(session.identity) &&
        !ring.invited.has(session),
    );
    for (const ring of ringing) {
      const callSid = ring.request.callSid;
      ring.invited.add(session);
      const offers = await offersTo(this.host, callSid, [session], ring.offered);
      // Ended while the offer was made: the offer goes, nobody is told.
      if (this.rings.get(callSid) !== ring || !ring.invited.has(session)) {
        const leg = ring.offered.get(session);
        ring.offered.delete(session);
        await leg?.hangup().catch(() => undefined);
        continue;
      }
      this.invite(ring, session, offers.get(session));
    }
  }

  /** No device could be woken: the ring waits for nobody; with nobody invited either, it ends. */
  private async woken(ringing: Ringing, waking: Waking): Promise<void> {
    if (await waking.start().catch(() => false)) return;
    ringing.waking = false;
    if (nobodyLeft(ringing)) this.finish(ringing.request.callSid, { outcome: 'no-answer' }, 'no-answer');
  }

  private invite(ringing: Ringing, session: DeviceSession, sdp: string | undefined): void {
    const { request, expiresAt } = ringing;
    session.invitations.add(request.callSid);
    const invite = {
      type: 'invite',
      callSid: request.callSid,
      callToken: callTokenOf(this.host, ringing, session.identity),
      parameters: inviteParameters(request),
      customParameters: { ...request.parameters },
      expiresAt,
      ...(sdp !== undefined ? { sdp } : {}),
    } as const;
    this.host.push(session, invite, expiresAt);
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
      return this.host.remote.forward(session, claims.node, callToken, how, sdp);
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
      leg = await completeOffered(offered, sdp, callSid, () => this.rings.has(callSid));
      this.host.adoptLeg(session, callSid, leg);
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
    device: RemoteDevice,
    callToken: string,
    how: 'accept' | 'reject',
    sdp?: string,
  ): Promise<{ callSid: string }> {
    return answerFromElsewhere(this.elsewhere, device, callToken, how, sdp);
  }

  /** Patchbay's WebRTC offer for a device on another node invited to `callSid` (undefined: none). */
  offerFor(device: RemoteDevice, callSid: string, candidatesInOffer = false): Promise<string | undefined> {
    return offerElsewhere(this.elsewhere, device, callSid, candidatesInOffer);
  }

  /** Devices invited on `node` ring no more (unregistered, gone): a call left with nobody is not answered. */
  withdrawnElsewhere(node: string, callSid: string, count: number): void {
    withdrawnOn(this.elsewhere, node, callSid, count);
  }

  /** Devices of `node` that registered after it was invited ring the call too (a woken device). */
  joinedElsewhere(node: string, callSid: string, count: number): void {
    joinedOn(this.elsewhere, node, callSid, count);
  }

  /**
   * A node died: its devices ring no more, but the call rings on until its timeout, re-offered
   * to the identity's devices on other nodes as they come back (they reconnect elsewhere).
   */
  nodeDown(node: string): void {
    for (const ringing of this.rings.values()) nodeGoneFor(this.host, ringing, node);
  }

  /** `session` rings for nothing any more (unregistered, or ended); calls left with nobody to ring are not answered. */
  withdraw(session: DeviceSession): void {
    for (const callSid of [...session.invitations]) {
      session.invitations.delete(callSid);
      const ringing = this.rings.get(callSid);
      if (!ringing?.invited.delete(session)) continue;
      if (this.host.isOpen(session)) this.host.push(session, { type: 'cancel', callSid, reason: 'unregistered' });
      if (nobodyLeft(ringing)) this.finish(callSid, { outcome: 'no-answer' }, 'no-answer');
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
    for (const leg of ringing.offeredElsewhere.values()) void leg.hangup().catch(() => undefined);
    ringing.offeredElsewhere.clear();
    for (const session of ringing.invited) {
      session.invitations.delete(callSid);
      if (session !== except) this.host.push(session, { type: 'cancel', callSid, reason });
    }
    ringing.settle(outcome);
  }
}
