/**
 * A call ringing here, as devices on other nodes of a cluster answer or stop ringing it
 * (bridge/invitations.ts keeps the rings; cluster/devices-ring.ts carries the messages): an answer
 * forwarded by a device's node is checked and decided as one from a device here, and a node whose
 * devices went away (or that died) counts no more.
 */
import { DeviceError } from '@patchbay/sdk/protocol';
import type { Clock } from '../clock/clock.js';
import type { DeviceLeg, OriginateOutcome } from '../media/types.js';
import type { CallTokens } from './call-tokens.js';
import { completeOffered } from './offers.js';
import type { CancelReason, RemoteRinging, RemoteSession } from './remote-ringing.js';
import { cancelRemote, nobodyLeft, type Ringing, reofferLater } from './ringing.js';
import type { DeviceSession } from './session.js';

/** A device session on another node, with whom it was registered as. */
export type RemoteDevice = RemoteSession & { readonly accountSid: string; readonly identity: string };

/** What the rings need from invitations. */
export interface Elsewhere {
  readonly host: {
    readonly clock: Clock;
    readonly tokens: CallTokens;
    readonly node: string;
    readonly remote?: RemoteRinging | undefined;
    /** Reports a refused call token and returns the error. */
    refuse(error: DeviceError, device: RemoteDevice): DeviceError;
  };
  readonly rings: ReadonlyMap<string, Ringing>;
  finish(
    callSid: string,
    outcome: OriginateOutcome,
    reason: CancelReason,
    except?: DeviceSession | RemoteSession,
  ): void;
}

/** A device on another node answered with a call token this node sealed: the same checks and outcome as here. */
export async function answerFromElsewhere(
  { host, rings, finish }: Elsewhere,
  device: RemoteDevice,
  callToken: string,
  how: 'accept' | 'reject',
  sdp?: string,
): Promise<{ callSid: string }> {
  const { tokens, remote } = host;
  let claims: ReturnType<typeof tokens.open>;
  try {
    claims = tokens.open(callToken);
    if (claims.accountSid !== device.accountSid || claims.identity !== device.identity || claims.node !== host.node)
      throw new DeviceError('CallTokenInvalid', 'the call token was issued to another identity');
    tokens.spend(claims);
  } catch (error) {
    // Reported here, where the token was spent (a replay), as for a device on this node.
    throw host.refuse(error as DeviceError, device);
  }
  const callSid = claims.callSid;
  const ringing = rings.get(callSid);
  if (!ringing || !remote) throw new DeviceError('CallCancelled', `call ${callSid} is no longer ringing`);
  if (how === 'reject') {
    finish(callSid, { outcome: 'busy', reason: 'rejected by the device' }, 'rejected-elsewhere', device);
    return { callSid };
  }
  const key = offerKey(device);
  const offered = ringing.offeredElsewhere.get(key);
  ringing.offeredElsewhere.delete(key);
  let leg: DeviceLeg;
  if (offered) {
    leg = await completeOffered(offered, sdp, callSid, () => rings.has(callSid));
    remote.adopt(device, callSid, leg);
  } else leg = remote.leg(device, device.identity, callSid);
  finish(callSid, { outcome: 'answered', leg }, 'answered-elsewhere', device);
  return { callSid };
}

const offerKey = (device: RemoteSession) => `${device.node}/${device.session}`;

/**
 * Patchbay's WebRTC offer for a device on another node invited to a call ringing here: its leg
 * is made here, where the call is, and kept until the device accepts (or the ring ends). A device
 * offered again gets a new offer; the old leg is hung up. Undefined: no offer (no WebRTC here, the
 * call rings no more, or not for this device); the device is invited without one.
 */
export async function offerElsewhere(
  { host, rings }: Elsewhere,
  device: RemoteDevice,
  callSid: string,
  candidatesInOffer: boolean,
): Promise<string | undefined> {
  const ringing = rings.get(callSid);
  const { remote } = host;
  if (!ringing || !remote || ringing.request.accountSid !== device.accountSid) return undefined;
  if (!ringing.identities.has(device.identity)) return undefined;
  const key = offerKey(device);
  const before = ringing.offeredElsewhere.get(key);
  ringing.offeredElsewhere.delete(key);
  await before?.hangup().catch(() => undefined);
  const leg = remote.offerLeg(device, device.identity, callSid, candidatesInOffer);
  if (!leg) return undefined;
  if (!leg.localSdp) return void (await leg.hangup().catch(() => undefined));
  ringing.offeredElsewhere.set(key, leg);
  const sdp = await leg.localSdp().catch(() => undefined);
  // Ended (or offered again) while the offer was made: this leg goes.
  if (sdp === undefined || rings.get(callSid) !== ringing || ringing.offeredElsewhere.get(key) !== leg) {
    if (ringing.offeredElsewhere.get(key) === leg) ringing.offeredElsewhere.delete(key);
    await leg.hangup().catch(() => undefined);
    return undefined;
  }
  return sdp;
}

/** `count` devices invited on `node` ring no more: a call left with nobody is not answered. */
export function withdrawnOn({ rings, finish }: Elsewhere, node: string, callSid: string, count: number): void {
  const ringing = rings.get(callSid);
  if (!ringing || ringing.ended) return;
  if (!ringing.remote.has(node)) {
    // Before the node's reply to the invitation: its count comes later, less these.
    ringing.withdrawnEarly.set(node, (ringing.withdrawnEarly.get(node) ?? 0) + count);
    return;
  }
  const left = (ringing.remote.get(node) ?? 0) - count;
  if (left > 0) ringing.remote.set(node, left);
  else ringing.remote.delete(node);
  if (nobodyLeft(ringing)) finish(callSid, { outcome: 'no-answer' }, 'no-answer');
}

/** `count` devices on `node` registered after it was invited (woken) and ring too; a call no longer ringing cancels them. */
export function joinedOn({ host, rings }: Elsewhere, node: string, callSid: string, count: number): void {
  const ringing = rings.get(callSid);
  if (!ringing || ringing.ended) {
    cancelRemote(host.remote, node, callSid, ringing?.ended?.reason ?? 'canceled', ringing?.ended?.except);
    return;
  }
  ringing.remote.set(node, (ringing.remote.get(node) ?? 0) + count);
}

/** `node` died: its devices ring no more, and the call is offered again to devices that come back elsewhere. */
export function nodeGoneFor(host: Elsewhere['host'], ringing: Ringing, node: string): void {
  if (!ringing.remote.delete(node) || !ringing.invite) return;
  reofferLater(host, ringing.request.callSid, ringing, ringing.invite);
}
