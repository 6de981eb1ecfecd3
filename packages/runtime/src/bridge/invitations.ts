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
import type { DeviceSession } from './session.js';

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

type CancelReason = 'canceled' | 'answered-elsewhere' | 'rejected-elsewhere' | 'no-answer' | 'unregistered';

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
}

interface Ringing {
  readonly request: ClientRing;
  readonly expiresAt: number;
  /** The identities rung. */
  readonly identities: ReadonlySet<string>;
  readonly invited: Set<DeviceSession>;
  /** Legs offered to WebRTC devices, by session: the accepting one is kept, the others hung up. */
  readonly offered: Map<DeviceSession, DeviceLeg>;
  /** One call token per identity rung: each device can only answer as itself. */
  readonly callTokens: Map<string, string>;
  /** Devices were woken for it: a session of the identities rung that registers meanwhile is invited. */
  readonly joinable: boolean;
  /** Devices are being woken: the ring stays open for them even when nobody invited is left. */
  waking: boolean;
  settle(outcome: OriginateOutcome): void;
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

  constructor(private readonly host: InvitationHost) {}

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
    if (targets.length === 0 && !waking) return { outcome: 'no-answer', reason: 'no device registered' };
    if (signal.aborted) return { outcome: 'canceled' };
    const { clock } = this.host;
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
      callTokens: new Map(),
      joinable: waking !== undefined,
      waking: waking !== undefined,
      settle,
    };
    this.rings.set(request.callSid, ringing);
    const offers = await this.offers(request.callSid, targets, ringing.offered);
    for (const session of targets) this.invite(ringing, session, offers.get(session));
    onRinging?.();
    if (waking) void this.woken(ringing, waking);
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
      const offers = await this.offers(callSid, [session], ring.offered);
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
    if (ringing.invited.size === 0) this.finish(ringing.request.callSid, { outcome: 'no-answer' }, 'no-answer');
  }

  private invite(ringing: Ringing, session: DeviceSession, sdp: string | undefined): void {
    const { request, expiresAt, callTokens } = ringing;
    const callToken =
      callTokens.get(session.identity) ??
      this.host.tokens.seal({
        callSid: request.callSid,
        node: this.host.node,
        accountSid: request.accountSid,
        identity: session.identity,
        expiresAt,
      });
    callTokens.set(session.identity, callToken);
    session.invitations.add(request.callSid);
    const invite = {
      type: 'invite',
      callSid: request.callSid,
      callToken,
      parameters: {
        CallSid: request.callSid,
        AccountSid: request.accountSid,
        From: request.from,
        To: request.to ?? `client:${request.identity}`,
        ApiVersion: '2010-04-01',
      },
      customParameters: { ...request.parameters },
      expiresAt,
      ...(sdp !== undefined ? { sdp } : {}),
    } as const;
    this.host.push(session, invite, expiresAt);
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
      tokens.spend(claims);
    } catch (error) {
      throw this.host.refuse(error as DeviceError, session);
    }
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

  /** `session` rings for nothing any more (unregistered, or ended); calls left with nobody to ring are not answered. */
  withdraw(session: DeviceSession): void {
    for (const callSid of [...session.invitations]) {
      session.invitations.delete(callSid);
      const ringing = this.rings.get(callSid);
      if (!ringing?.invited.delete(session)) continue;
      if (this.host.isOpen(session)) this.host.push(session, { type: 'cancel', callSid, reason: 'unregistered' });
      if (ringing.invited.size === 0 && !ringing.waking) this.finish(callSid, { outcome: 'no-answer' }, 'no-answer');
    }
  }

  /** Every call still ringing ends (the server is closing). */
  cancelAll(): void {
    for (const callSid of [...this.rings.keys()]) this.finish(callSid, { outcome: 'canceled' }, 'canceled');
  }

  private finish(callSid: string, outcome: OriginateOutcome, reason: CancelReason, except?: DeviceSession): void {
    const ringing = this.rings.get(callSid);
    if (!ringing) return;
    this.rings.delete(callSid);
    for (const [session, leg] of ringing.offered) if (session !== except) void leg.hangup().catch(() => undefined);
    ringing.offered.clear();
    for (const session of ringing.invited) {
      session.invitations.delete(callSid);
      if (session !== except) this.host.push(session, { type: 'cancel', callSid, reason });
    }
    ringing.settle(outcome);
  }
}
