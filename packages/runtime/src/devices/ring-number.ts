/**
 * Ringing a registered number in the app (docs/registration.md#ringing-a-number): a call to a
 * number (`<Dial><Number>`, a REST call, a room member with that number) first rings, in the app,
 * every device bound to the number in the calling account (through the device bridge: each
 * device's identity's registered sessions), for at most `appRingMs`:
 * - the first device to accept wins; the others are cancelled (`answered-elsewhere`);
 * - a decline on any device is the person's answer: the others are cancelled
 *   (`rejected-elsewhere`), the phone is not rung, and whoever invited hears `busy`
 *   (DialCallStatus=busy, the child call's status `busy`);
 * - devices not connected are woken (devices/ring-wake.ts) and offered the call if they register
 *   within `appRingMs`;
 * - nobody answering within `appRingMs` (or nobody online and nobody woken): the number itself
 *   is rung over the PSTN for the rest of the Dial timeout.
 * The caller hanging up cancels everything, as for any Dial.
 *
 * @example
 * const ringer = numberRinger({ ring: (r, s, o) => bridge.ring(r, s, o), identities: numberIdentities(store), clock, appRingMs: 15_000 });
 */
import type { ClientRing } from '../bridge/invitations.js';
import type { Clock } from '../clock/clock.js';
import type { OriginateOutcome } from '../media/types.js';
import type { Store } from '../store/types.js';
import { DEVICE_LIMITS, type DeviceRecord } from './records.js';

export interface NumberRing {
  readonly accountSid: string;
  readonly callSid: string;
  readonly number: string;
  readonly from: string;
  readonly timeoutMs: number;
  readonly parameters: Readonly<Record<string, string>>;
}

/** What the app ringing leaves: the call's outcome, or the PSTN to ring for what is left of the timeout. */
export type AppRingResult =
  | { readonly type: 'settled'; readonly outcome: OriginateOutcome }
  | { readonly type: 'fallback'; readonly remainingMs: number };

export type NumberRinger = (
  ring: NumberRing,
  signal: AbortSignal,
  onRinging: () => void,
) => Promise<AppRingResult | undefined>;

/** The rule, as a pure decision on the app's outcome. */
export function afterAppRing(outcome: OriginateOutcome, elapsedMs: number, timeoutMs: number): AppRingResult {
  if (outcome.outcome === 'answered' || outcome.outcome === 'busy' || outcome.outcome === 'canceled')
    return { type: 'settled', outcome };
  const remainingMs = timeoutMs - elapsedMs;
  if (remainingMs <= 0) return { type: 'settled', outcome: { outcome: 'no-answer' } };
  return { type: 'fallback', remainingMs };
}

/** The identities with devices bound to `number` in the account (newest device first). */
export function numberIdentities(store: Store): (accountSid: string, number: string) => Promise<readonly string[]> {
  return async (accountSid, number) => {
    const { items } = await store.list<DeviceRecord>('device', {
      accountSid,
      where: { number },
      page: 0,
      pageSize: DEVICE_LIMITS.devicesPerBinding,
    });
    return [...new Set(items.map((device) => device.identity))];
  };
}

export function numberRinger(deps: {
  ring(request: ClientRing, signal: AbortSignal, onRinging?: () => void): Promise<OriginateOutcome>;
  identities(accountSid: string, number: string): Promise<readonly string[]>;
  readonly clock: Clock;
  /** How long the app rings before the number itself is rung. @default 15000 */
  readonly appRingMs?: number | undefined;
}): NumberRinger {
  return async (ring, signal, onRinging) => {
    const [identity, ...alsoIdentities] = await deps.identities(ring.accountSid, ring.number);
    if (identity === undefined) return undefined;
    const started = deps.clock.now();
    const outcome = await deps.ring(
      {
        accountSid: ring.accountSid,
        callSid: ring.callSid,
        identity,
        alsoIdentities,
        to: ring.number,
        number: ring.number,
        from: ring.from,
        timeoutMs: Math.min(ring.timeoutMs, deps.appRingMs ?? 15_000),
        parameters: ring.parameters,
      },
      signal,
      onRinging,
    );
    return afterAppRing(outcome, deps.clock.now() - started, ring.timeoutMs);
  };
}
