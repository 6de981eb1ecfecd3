/**
 * Placing calls: outbound API calls (dial, then run the app when answered) and Dial's child
 * calls (outbound-dial, with the parent's SID and their own status callbacks). A number an app
 * on this server answers is called on-net (on-net.ts).
 */

import type { DeviceBridge } from '../bridge/bridge.js';
import type { NumberRinger } from '../devices/ring-number.js';
import type { PatchbayError } from '../errors.js';
import { CallSession, type Next, type SessionDeps } from '../interpreter/session.js';
import type { MediaAdapter, OriginateOutcome, OriginateRequest } from '../media/types.js';
import { silentWav } from '../media/wav.js';
import type { CreateCallParams } from '../runtime.js';
import { newSid } from '../sid.js';
import type { AttemptResult, ChildCall, DialRequest } from '../verbs/types.js';
import type { CallStatus } from './call.js';
import type { onNet } from './on-net.js';
import { appConfig, parseAddress } from './params.js';

/** How long an API call may last after its answer unless TimeLimit says otherwise (4 hours). */
export const DEFAULT_TIME_LIMIT_S = 14_400;

export function dialing({
  deps,
  media,
  track,
  clients,
  admit,
  calls,
  numbers,
}: {
  deps: SessionDeps;
  media: MediaAdapter;
  /** Keeps a new call: `true`, or whether the store admitted it (see RuntimeOptions.admit). */
  track: (session: CallSession) => true | Promise<boolean>;
  /** Why the account may not have one more live call, if it may not (its concurrency limit). */
  admit?: ((account: CallSession['account']) => PatchbayError | undefined) | undefined;
  /** Rings client identities' registered devices (else client addresses go to the media adapter). */
  clients?: Pick<DeviceBridge, 'ring'> | undefined;
  /** Calls to numbers answered by an app on this server. */
  calls: ReturnType<typeof onNet>;
  /** Rings a registered number's devices in the app before the number itself (devices/ring-number.ts). */
  numbers?: NumberRinger | undefined;
}) {
  /**
   * Places `call`'s leg: numbers an app here answers on-net, client identities ring their
   * registered devices when the device bridge is on, everything else goes to the media adapter.
   * The call shows `ringing` when the far end rings. `hops`: how deep in on-net calls it starts.
   */
  async function place(
    call: CallSession,
    hops: number,
    request: OriginateRequest,
    parameters: Readonly<Record<string, string>>,
    signal: AbortSignal,
  ): Promise<OriginateOutcome> {
    const ringing = () => call.setStatus('ringing');
    const onNet = await calls.place(call, hops, request, signal, ringing);
    if (onNet) return onNet;
    if (numbers && request.to.kind === 'number') {
      const ring = { accountSid: call.account.sid, callSid: call.sid, number: request.to.value, from: request.from };
      const app = await numbers({ ...ring, timeoutMs: request.timeoutMs, parameters }, signal, ringing);
      if (app?.type === 'settled') return app.outcome;
      if (app) return media.originate({ ...request, timeoutMs: app.remainingMs }, signal, ringing);
    }
    if (!clients || request.to.kind !== 'client') return media.originate(request, signal, ringing);
    // `client:alice?ticket=T-42` (a REST call) carries custom parameters as the hosted service's do.
    const [identity = '', query = ''] = request.to.value.split(/\?(.*)/s);
    const ring = {
      accountSid: call.account.sid,
      callSid: call.sid,
      identity,
      from: request.from,
      timeoutMs: request.timeoutMs,
      parameters: { ...Object.fromEntries(new URLSearchParams(query)), ...parameters },
    };
    return clients.ring(ring, signal, ringing);
  }

  /** A Dial target: a child call with the parent's SID and its own status callbacks. */
  function dialChild(parent: CallSession, request: DialRequest, signal: AbortSignal): ChildCall {
    const to = request.to.kind === 'client' ? `client:${request.to.value}` : request.to.value;
    const config = appConfig({
      statusCallback: request.statusCallback,
      statusCallbackMethod: request.statusCallbackMethod,
      statusCallbackEvent: request.statusCallbackEvent,
    });
    const child = new CallSession(
      deps,
      newSid('CA'),
      parent.account,
      'outbound-dial',
      request.from,
      to,
      config,
      parent.sid,
    );
    const refusal = admit?.(parent.account);
    const admitted = track(child);
    let sipResponseCode: number | undefined;
    const result = (async (): Promise<AttemptResult> => {
      if (admitted !== true && !(await admitted)) return 'failed';
      child.callback('initiated', 'initiated');
      if (refusal) {
        child.recordError(refusal);
        child.setStatus('failed');
        return 'failed';
      }
      const outcome = await place(
        child,
        calls.hopsOf(parent),
        {
          to: request.to,
          from: request.from,
          timeoutMs: request.timeoutMs,
          account: child.account.sid,
          ...(request.sip ? { sip: request.sip } : {}),
          ...(parent.leg ? { caller: parent.leg } : {}),
        },
        request.parameters ?? {},
        AbortSignal.any([signal, child.signal]),
      );
      sipResponseCode = outcome.outcome === 'answered' ? undefined : outcome.sipResponseCode;
      if (outcome.outcome === 'answered') {
        if (request.to.kind === 'sip') sipResponseCode = 200;
        if (child.over) {
          await outcome.leg.hangup();
          return 'canceled';
        }
        child.attach(outcome.leg, true);
        child.setStatus('in-progress');
        return 'answered';
      }
      const status = outcome.outcome === 'rejected' ? 'busy' : outcome.outcome;
      child.setStatus(status);
      return status;
    })();
    return {
      sid: child.sid,
      result,
      get leg() {
        return child.leg;
      },
      get over() {
        return child.over;
      },
      ended: child.signal,
      get sipResponseCode() {
        return sipResponseCode;
      },
      whisper: async (url, method) =>
        (await child.run(
          { type: 'fetch', url, method, params: child.params(), progress: true },
          { keepAfterDocument: true },
        )) === 'finished',
      end: () => child.end('completed'),
    };
  }

  async function dialOut(session: CallSession, params: CreateCallParams, first: Next): Promise<void> {
    session.callback('initiated', 'initiated');
    const outcome = await place(
      session,
      0,
      {
        to: parseAddress(params.to),
        from: params.callerId ?? params.from,
        timeoutMs: (params.timeout ?? 60) * 1000,
        account: session.account.sid,
      },
      {},
      session.signal,
    );
    if (outcome.outcome !== 'answered') {
      const status: CallStatus = outcome.outcome === 'rejected' ? 'busy' : outcome.outcome;
      session.setStatus(status);
      return;
    }
    if (session.over) {
      await outcome.leg.hangup();
      return;
    }
    session.attach(outcome.leg, true);
    session.setStatus('in-progress');
    const answeredAt = deps.clock.now();
    const cancelLimit = deps.clock.setTimer(
      () => void session.end('completed'),
      (params.timeLimit ?? DEFAULT_TIME_LIMIT_S) * 1000,
    );
    void session.ended.then((ended) => {
      cancelLimit();
      if (!params.record) return;
      const durationMs = Math.max(0, (ended.endedAt ?? deps.clock.now()) - answeredAt);
      deps.saveRecording(session.account.sid, session.sid, {
        audio: silentWav(durationMs),
        durationMs,
        startedAt: answeredAt,
        source: 'OutboundAPI',
      });
    });
    if (params.sendDigits) await outcome.leg.sendDigits(params.sendDigits, new AbortController().signal);
    await session.run(first);
  }

  return { dialChild, dialOut };
}
