/**
 * Starting an inbound call (from the network, placed by a device, or on-net): its session is
 * kept and admitted, then it rings and runs its app (a document fetched, or markup given). A
 * caller who hangs up while the record is being stored cancels it; a refused call is rejected.
 *
 * @example
 * const startInbound = inboundStarter({ deps, track, defaultAccount });
 * startInbound(newSid('CA'), leg, { from, to }, app, app.params);
 */
import { type CallAccount, CallSession, type SessionDeps } from '../interpreter/session.js';
import type { MediaLeg } from '../media/types.js';
import type { Routed } from '../runtime-types.js';
import { whenAdmitted } from './calls-api.js';
import { appConfig, firstStep } from './params.js';

export type StartInbound = (
  sid: string,
  leg: MediaLeg,
  call: { readonly from: string; readonly to: string },
  app: Routed,
  extra?: Record<string, string>,
) => CallSession;

export function inboundStarter({
  deps,
  track,
  defaultAccount,
}: {
  deps: SessionDeps;
  /** Keeps a new call and asks for its admission (see createRuntime). */
  track: (session: CallSession) => true | Promise<boolean>;
  /** Whose call it is when the app names no account. */
  defaultAccount: CallAccount;
}): StartInbound {
  return function startInbound(sid, leg, call, app, extra = {}) {
    const account = app.account ?? defaultAccount;
    const session = new CallSession(
      deps,
      sid,
      account,
      'inbound',
      call.from,
      call.to,
      appConfig(app),
      undefined,
      app.phoneNumberSid,
    );
    // The caller may hang up while the call's record is being stored: that must end the call,
    // not be missed because nothing listened yet.
    let gone = false;
    const early = () => {
      gone = true;
    };
    leg.events.once('hangup', early);
    whenAdmitted(
      track(session),
      () => {
        leg.events.off('hangup', early);
        session.attach(leg, false);
        if (gone) return session.setStatus('canceled');
        session.setStatus('ringing');
        void session.run(
          app.twiml === undefined
            ? {
                type: 'fetch',
                url: app.url,
                method: app.method ?? 'POST',
                params: session.params(extra),
                progress: true,
              }
            : firstStep({ url: app.url, twiml: app.twiml }),
        );
      },
      () => {
        leg.events.off('hangup', early);
        void leg.reject('rejected');
      },
    );
    return session;
  };
}
