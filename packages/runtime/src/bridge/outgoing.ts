/**
 * Calls placed by devices: the token's application runs with From=client:<identity>, within the
 * account's concurrent-call limit. Its first webhook carries, beyond the standard parameters, the
 * custom parameters of the token's grant, then those of `connect`; they never replace a standard
 * parameter: a device that sends `From=client:ceo`, a `CallSid` or an `AccountSid` has those
 * dropped, so a correctly signed webhook always says who really called.
 */
import { DeviceError, type Outgoing } from '@patchbay/sdk/protocol';
import { callPlaceParams } from '../calls/geo.js';
import type { DeviceLeg } from '../media/types.js';
import { newSid } from '../sid.js';
import type { DeviceSession } from './session.js';
import type { BridgeHost, DeviceBridgeOptions } from './types.js';

/** Names the runtime sets on a call's webhooks (ApplicationSid: the token's own; the location parameters). */
export const STANDARD_PARAMETERS: ReadonlySet<string> = new Set([
  ...Object.keys(callPlaceParams('', '')),
  'AccountSid',
  'ApiVersion',
  'ApplicationSid',
  'CallSid',
  'CallStatus',
  'Called',
  'Caller',
  'CallerName',
  'Direction',
  'ForwardedFrom',
  'From',
  'ParentCallSid',
  'To',
]);

/** The custom parameters of `sources` (later ones win among themselves), without any standard name. */
export function customParameters(...sources: ReadonlyArray<Readonly<Record<string, string>>>): Record<string, string> {
  const custom: Record<string, string> = {};
  for (const source of sources)
    for (const [name, value] of Object.entries(source)) if (!STANDARD_PARAMETERS.has(name)) custom[name] = value;
  return custom;
}

/** What placing a call needs from the bridge. */
export interface OutgoingDeps {
  readonly host: BridgeHost;
  readonly application: DeviceBridgeOptions['application'];
  /** The device's media leg for the call, kept with its session (`sdp`: the device's WebRTC offer). */
  attachLeg(session: DeviceSession, callSid: string, onAnswered: () => void, sdp?: string): DeviceLeg;
  push(session: DeviceSession, message: Outgoing): void;
  refuse(error: DeviceError, session: DeviceSession): DeviceError;
}

/** Places a call from `session` through its token's application; its SID, and Patchbay's SDP answer to `offer`. */
export async function placeCall(
  deps: OutgoingDeps,
  session: DeviceSession,
  params: Readonly<Record<string, string>>,
  offer?: string,
): Promise<{ callSid: string; sdp?: string }> {
  const outgoing = session.token.outgoing;
  if (!outgoing)
    throw deps.refuse(new DeviceError('AccessTokenGrantsInvalid', 'the token has no outgoing application'), session);
  const app = await deps.application(session.accountSid, outgoing.applicationSid);
  if (!app) throw new DeviceError('ApplicationNotFound', `no application ${outgoing.applicationSid}`);
  const account = { sid: session.accountSid, authToken: session.token.authToken, limits: session.token.limits };
  const callSid = newSid('CA');
  const refusal = await deps.host.callRefusal(account, callSid);
  if (refusal) throw new DeviceError('AccountLimitExceeded', refusal);
  const leg = deps.attachLeg(
    session,
    callSid,
    () => deps.push(session, { type: 'call', callSid, state: 'open' }),
    offer,
  );
  const sdp =
    offer === undefined
      ? undefined
      : await answerSdp(leg).catch((error: unknown) => {
          deps.host.releaseCall(callSid);
          throw error;
        });
  deps.host.startCall({
    sid: callSid,
    leg,
    account,
    from: `client:${session.identity}`,
    to: params.To ?? '',
    app,
    extra: { ...customParameters(outgoing.params, params), ApplicationSid: outgoing.applicationSid },
  });
  deps.push(session, { type: 'call', callSid, state: 'ringing' });
  return sdp === undefined ? { callSid } : { callSid, sdp };
}

/**
 * Patchbay's SDP for a device leg (undefined where the adapter carries no WebRTC); an SDP the
 * adapter cannot use ends the leg and the request fails with the adapter's reason.
 */
export async function answerSdp(leg: DeviceLeg): Promise<string | undefined> {
  if (!leg.localSdp) return undefined;
  try {
    return await leg.localSdp();
  } catch (error) {
    await leg.hangup().catch(() => undefined);
    const code = (error as { code?: unknown }).code;
    throw new DeviceError(
      'MalformedRequest',
      `the session description cannot carry the call${typeof code === 'string' ? ` (${code})` : ''}: ${error instanceof Error ? error.message : String(error)}`.slice(
        0,
        500,
      ),
    );
  }
}
