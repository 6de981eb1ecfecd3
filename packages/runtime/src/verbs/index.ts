/**
 * The one table of verb handlers. It is typed as exhaustive over the markup's verbs, so a verb
 * added to @patchbay/markup without a handler here fails to compile.
 */
import type { VoiceVerb } from '@patchbay/markup';
import { dial } from './dial.js';
import { enqueue } from './enqueue.js';
import { gather } from './gather.js';
import { hangup } from './hangup.js';
import { leave } from './leave.js';
import { pause } from './pause.js';
import { notYetSupported } from './pending.js';
import { play } from './play.js';
import { record } from './record.js';
import { redirect } from './redirect.js';
import { reject } from './reject.js';
import { say } from './say.js';
import { sms } from './sms.js';
import type { Outcome, VerbContext, VerbHandler } from './types.js';

type Handlers = { readonly [K in VoiceVerb['name']]: VerbHandler<Extract<VoiceVerb, { name: K }>> };

export const handlers = {
  Say: say,
  Play: play,
  Pause: pause,
  Gather: gather,
  Redirect: redirect,
  Hangup: hangup,
  Reject: reject,
  Leave: leave,
  Dial: dial,
  Record: record,
  Enqueue: enqueue,
  Connect: notYetSupported,
  Start: notYetSupported,
  Stop: notYetSupported,
  Refer: notYetSupported,
  Sms: sms,
} as const satisfies Handlers;

export function runVerb(verb: VoiceVerb, context: VerbContext): Promise<Outcome> {
  const handler = handlers[verb.name] as VerbHandler<VoiceVerb>;
  return handler(verb, context);
}
