/**
 * On-net calls over SIP media (`MediaAdapter.link`): a `<Dial><Number>` to a number an app on
 * this server answers stays inside the server instead of going out through a trunk and back.
 * Two engine legs send RTP to each other over loopback, so what the runtime plays to one leg
 * (speech, audio, digits as RFC 4733) the other hears, and bridges and conferences take either
 * leg like any other. The caller's outcome follows the callee's app, as on the simulated network:
 * its answer answers the call, `<Reject>` makes it busy or rejected, an app that ends without
 * answering answers and hangs up at once; ringing past the timeout is no-answer and a cancel is
 * canceled (the callee's leg then hangs up); once answered, a hang-up on either side reaches the
 * other.
 *
 * @example
 * const { callee, outcome } = linkLegs(engine, prompts, '127.0.0.1', request, signal, onRinging);
 * runtime.start(callee); // the called number's app
 * const result = await outcome; // { outcome: 'answered', leg } once the callee's app answers
 */
import { randomUUID } from 'node:crypto';
import type { LinkedCall, OriginateOutcome, OriginateRequest } from '@patchbay/runtime';
import type { EngineLeg, MediaEngine } from '../engine/index.js';
import type { Prompts } from './prompts.js';
import { SipLeg } from './sip-leg.js';

/** Both legs' engine halves, each sending to the other's port on `loopback`. */
async function openPair(engine: MediaEngine, loopback: string): Promise<[EngineLeg, EngineLeg]> {
  const a = await engine.openLeg();
  const b = await engine.openLeg({ near: a }).catch(async (error: unknown) => {
    await a.close();
    throw error;
  });
  const media = (port: number) => ({
    remote: { address: loopback, port },
    payloadType: 0 as const,
    telephoneEvent: 101,
    ptime: 20,
    direction: 'sendrecv' as const,
  });
  a.configure(media(b.localPort));
  b.configure(media(a.localPort));
  return [a, b];
}

export function linkLegs(
  engine: MediaEngine,
  prompts: Prompts,
  loopback: string,
  request: OriginateRequest,
  signal: AbortSignal,
  onRinging: (() => void) | undefined,
  track: (leg: SipLeg) => SipLeg,
): LinkedCall {
  const pair = openPair(engine, loopback);
  let state: 'ringing' | 'answered' | 'over' = 'ringing';
  let settle: (outcome: OriginateOutcome) => void = () => undefined;
  const outcome = new Promise<OriginateOutcome>((resolve) => {
    settle = resolve;
  });
  const finish = (result: OriginateOutcome) => {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
    settle(result);
  };

  const caller: SipLeg = track(
    new SipLeg(
      randomUUID(),
      pair.then(([a]) => a),
      prompts,
      {
        linked: {
          answered: () => undefined,
          rejected: () => undefined,
          hungUp: () => {
            state = 'over';
            void callee.farEndHungUp();
          },
        },
      },
    ),
  );
  const callee: SipLeg = track(
    new SipLeg(
      randomUUID(),
      pair.then(([, b]) => b),
      prompts,
      {
        linked: {
          answered: () => {
            if (state !== 'ringing') return;
            state = 'answered';
            // Once both engine halves are open: the runtime bridges the caller's leg next.
            void pair.then(
              () => finish({ outcome: 'answered', leg: caller }),
              () => undefined,
            );
          },
          rejected: (reason) => {
            if (state !== 'ringing') return;
            state = 'over';
            void caller.farEndHungUp();
            finish({ outcome: reason === 'busy' ? 'busy' : 'rejected' });
          },
          hungUp: () => {
            if (state === 'answered') {
              state = 'over';
              void caller.farEndHungUp();
              return;
            }
            if (state !== 'ringing') return;
            // An app that ends without answering: answered, then hung up (as the hosted service does).
            state = 'over';
            void pair.then(
              () => {
                finish({ outcome: 'answered', leg: caller });
                setImmediate(() => void caller.farEndHungUp());
              },
              () => undefined,
            );
          },
        },
      },
    ),
  );

  const giveUp = (result: 'no-answer' | 'canceled') => {
    if (state !== 'ringing') return;
    state = 'over';
    void callee.farEndHungUp();
    void caller.farEndHungUp();
    finish({ outcome: result });
  };
  const onAbort = () => giveUp('canceled');
  const timer = setTimeout(() => giveUp('no-answer'), request.timeoutMs);
  pair.catch((error: unknown) => {
    if (state !== 'ringing') return;
    state = 'over';
    finish({ outcome: 'failed', reason: error instanceof Error ? error.message : String(error) });
  });
  onRinging?.();
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  return { callee, outcome };
}
