/**
 * What a verb handler sees of its call and of the runtime (the VerbContext), built from the
 * session's public surface and the runtime's services.
 */
import type { MediaLeg } from '../media/types.js';
import type { VerbContext } from '../verbs/types.js';
import { resolveUrl } from './documents.js';
import type { CallSession } from './session.js';
import type { SessionDeps } from './types.js';

export function verbContext(
  session: CallSession,
  deps: SessionDeps,
  run: { readonly signal: AbortSignal; readonly replaced: AbortSignal; readonly documentUrl: string },
): VerbContext {
  const { documentUrl } = run;
  return {
    call: { sid: session.sid, from: session.from, to: session.to },
    account: session.account,
    media: deps.media,
    dial: (request, signal) => deps.dialChild(session, request, signal),
    clock: deps.clock,
    signal: run.signal,
    replaced: run.replaced,
    leg: session.leg as MediaLeg,
    documentUrl,
    get answered() {
      return session.isAnswered;
    },
    answer: () => session.answer(),
    reject: (reason) => session.reject(reason),
    resolve: (url) => resolveUrl(url, documentUrl),
    params: (extra) => session.params(extra),
    warn: (code, message) => deps.events.emit('call.warning', session.snapshot(), { code, message, url: documentUrl }),
    queues: deps.queues,
    conferences: deps.conferences,
    sendMessage: (message) =>
      deps.messages.send({ ...message, account: session.account, callSid: session.sid, direction: 'outbound-call' }),
    runNested: (start, within) => session.runNested({ type: 'fetch', ...start, progress: true }, within),
    saveRecording: (recording) => deps.saveRecording(session.account.sid, session.sid, recording),
    notify: (url, method, params) => deps.callbacks.send({ url, method, params, authToken: session.account.authToken }),
    mayPresent: (number) => deps.callerIdAllowed(session.account.sid, number),
  };
}
