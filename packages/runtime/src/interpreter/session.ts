/**
 * One call: its record and status machine (call-state.ts), its media leg, the app it runs, and
 * the loop that fetches documents and runs their verbs until the call ends. Live modification replaces what
 * runs next and interrupts the current verb through its AbortSignal.
 */
import type { VoiceDocument } from '@patchbay/markup';
import { TERMINAL } from '../calls/call.js';
import { PatchbayError } from '../errors.js';
import type { MediaLeg } from '../media/types.js';
import { runVerb } from '../verbs/index.js';
import type { VerbContext } from '../verbs/types.js';
import { CookieJar } from '../webhooks/cookies.js';
import { CallState, Interrupted } from './call-state.js';
import { verbContext } from './context.js';
import { loadDocument } from './documents.js';
import type { Next, RunEnd } from './types.js';

export type { AppConfig, CallAccount, CallEvent, Next, RunEnd, RuntimeEvents, SessionDeps } from './types.js';

const APPLICATION_ERROR = 'We are sorry, an application error has occurred. Goodbye.';

export class CallSession extends CallState {
  leg: MediaLeg | undefined;
  private answered = false;
  private readonly cookies = new CookieJar();
  /** Controllers of the verbs running now (a wait document runs inside Enqueue). */
  private readonly controllers: AbortController[] = [];
  private pending: Next | undefined;

  /** Attaches the media leg; a far-end hang-up ends the call. */
  attach(leg: MediaLeg, answered: boolean): void {
    this.leg = leg;
    this.answered = answered;
    leg.events.once('hangup', (cause) => {
      if (cause === 'media-timeout') {
        this.recordError(new PatchbayError('media-failure', 'the media stopped arriving (the far end vanished)'));
        this.setStatus('failed');
      } else this.setStatus(this.answered ? 'completed' : 'canceled');
    });
  }

  get isAnswered(): boolean {
    return this.answered;
  }

  async answer(): Promise<void> {
    if (this.answered || !this.leg) return;
    await this.leg.answer();
    this.answered = true;
    this.setStatus('in-progress');
  }

  async reject(reason: 'busy' | 'rejected'): Promise<void> {
    await this.leg?.reject(reason);
    this.setStatus(reason === 'busy' ? 'busy' : 'no-answer');
  }

  /** Live modification: what runs next, interrupting the current verb. */
  replace(next: Next): void {
    if (this.over) throw new PatchbayError('invalid-call-state', `call ${this.sid} has ended`);
    this.pending = next;
    for (const controller of this.controllers) controller.abort(new Interrupted('redirected'));
  }

  /** Ends the call from outside: completed (hang up) or canceled (before answer). */
  async end(status: 'completed' | 'canceled'): Promise<void> {
    if (this.over) return;
    if (status === 'canceled' && this.answered)
      throw new PatchbayError('invalid-call-state', `call ${this.sid} is already answered`);
    this.ending.abort(new Interrupted('ended by request'));
    await this.leg?.hangup();
    this.setStatus(this.answered ? 'completed' : 'canceled');
  }

  private context(signal: AbortSignal, replaced: AbortSignal, documentUrl: string): VerbContext {
    return verbContext(this, this.deps, { signal, replaced, documentUrl });
  }

  /**
   * Runs the app from `first` until the call ends, then hangs up. With `keepAfterDocument` (a
   * whisper before a bridge) the call stays up when the document simply runs out; the result
   * says whether it did (`finished`) or ended another way (`stopped`).
   */
  async run(first: Next, options: { keepAfterDocument?: boolean } = {}): Promise<RunEnd> {
    this.running++;
    try {
      return await this.loop(first, { keepAfterDocument: options.keepAfterDocument ?? false });
    } finally {
      this.running--;
      if (this.running === 0 && TERMINAL.has(this.status)) this.resolveEnded(this.snapshot());
    }
  }

  /**
   * Runs a document inside a running verb (a queue's wait document): redirects are followed;
   * it returns when the document runs out (`finished`), on `<Leave>` (`left`), or when `within`
   * aborts, live modification arrives or the call ends (`stopped`). `<Hangup>` ends the call.
   */
  runNested(first: Next, within: AbortSignal): Promise<RunEnd> {
    return this.loop(first, { keepAfterDocument: true, within });
  }

  private async loop(first: Next, options: { keepAfterDocument: boolean; within?: AbortSignal }): Promise<RunEnd> {
    const nested = options.within !== undefined;
    const stop = () => this.over || options.within?.aborted === true || (nested && this.pending !== undefined);
    let ending: RunEnd = 'stopped';
    let next: Next | undefined = first;
    let document: VoiceDocument | undefined;
    let documentUrl = '';
    let index = 0;
    let fetchesWithoutProgress = 0;
    while (!stop()) {
      if (this.pending) {
        next = this.pending;
        this.pending = undefined;
      }
      if (next) {
        if (next.type === 'document') {
          document = next.document;
          documentUrl = next.url;
          for (const issue of next.warnings ?? []) this.warn(issue.code, issue.message, next.url);
        } else {
          fetchesWithoutProgress = next.progress ? 0 : fetchesWithoutProgress + 1;
          if (fetchesWithoutProgress > this.deps.maxFetchesWithoutProgress) {
            const message = `${fetchesWithoutProgress} documents fetched with nothing for the caller in between`;
            this.recordError(new PatchbayError('too-many-redirects', message), next.url);
            await this.applicationError();
            break;
          }
          const loaded = await this.load(next);
          if (stop()) return 'stopped';
          if (!loaded) {
            await this.applicationError();
            break;
          }
          document = loaded.document;
          documentUrl = loaded.url;
        }
        next = undefined;
        index = 0;
      }
      const verb = document?.children[index++];
      if (!verb) {
        ending = 'finished';
        break;
      }
      if (verb.name === '#opaque') continue;
      if (verb.name !== 'Redirect') fetchesWithoutProgress = 0;
      const controller = new AbortController();
      this.controllers.push(controller);
      const signal = AbortSignal.any([
        this.ending.signal,
        controller.signal,
        ...(options.within ? [options.within] : []),
      ]);
      this.deps.events.emit('call.verb', this.snapshot(), verb.name);
      const began = performance.now();
      try {
        const outcome = await runVerb(verb, this.context(signal, controller.signal, documentUrl));
        if (this.deps.events.listenerCount('call.verb.ended') > 0) {
          this.deps.events.emit('call.verb.ended', this.snapshot(), verb.name, performance.now() - began);
        }
        if (outcome.type === 'hangup') break;
        if (outcome.type === 'leave' && nested) return 'left';
        if (outcome.type === 'fetch' && this.over) {
          // The caller hung up during the verb: the app still hears how it ended.
          const params = outcome.params ?? this.params();
          this.deps.callbacks.send({
            url: outcome.url,
            method: outcome.method,
            params,
            authToken: this.account.authToken,
            key: `${this.sid}:after-hangup`,
          });
          break;
        }
        if (outcome.type === 'fetch') next = outcome;
      } catch (error) {
        if (!stop() && !this.pending) {
          const message = `<${verb.name}> failed: ${String(error)}`;
          this.recordError(new PatchbayError('media-failure', message, { cause: error }));
          break;
        }
      } finally {
        this.controllers.splice(this.controllers.indexOf(controller), 1);
      }
    }
    if (this.over || (ending === 'stopped' && stop())) return 'stopped';
    if (ending === 'stopped' || !options.keepAfterDocument) await this.finish();
    return ending;
  }

  private async load(next: Extract<Next, { type: 'fetch' }>) {
    const loaded = await loadDocument({
      url: next.url,
      method: next.method,
      params: next.params ?? this.params(),
      fallback: this.app.fallbackUrl ? { url: this.app.fallbackUrl, method: this.app.fallbackMethod } : undefined,
      authToken: this.account.authToken,
      cookies: this.cookies,
      clock: this.deps.clock,
      signal: this.ending.signal,
      egress: this.deps.egress,
      local: this.deps.localApps && { apps: this.deps.localApps, accountSid: this.account.sid },
      onError: (error, url) => this.recordError(error, url),
      onWarning: (issue, url) => this.warn(issue.code, issue.message, url),
      onExchange:
        this.deps.events.listenerCount('call.webhook') > 0
          ? (exchange) => this.deps.events.emit('call.webhook', this.snapshot(), exchange)
          : undefined,
    });
    return loaded.ok ? loaded : undefined;
  }

  /** A problem that does not stop the call (a 12200 for an unknown element, ...). */
  private warn(code: number, message: string, url: string): void {
    this.deps.events.emit('call.warning', this.snapshot(), { code, message, ...(url ? { url } : {}) });
  }

  /** With no working document the caller hears an apology, then the call ends. */
  private async applicationError(): Promise<void> {
    if (this.over || !this.leg) return;
    try {
      await this.answer();
      await this.leg.say(APPLICATION_ERROR, { voice: 'alice', language: 'en-US' }, this.ending.signal);
    } catch {
      // The caller hung up meanwhile.
    }
  }

  private async finish(): Promise<void> {
    if (this.over) return;
    // Only <Reject> leaves an inbound call unanswered: a document that ends (or hangs up) before
    // anything answered it answers first, as the hosted service does, so the call is completed.
    if (this.direction === 'inbound' && !this.answered) await this.answer().catch(() => undefined);
    if (this.over) return;
    await this.leg?.hangup();
    this.setStatus(this.answered ? 'completed' : 'canceled');
  }
}
