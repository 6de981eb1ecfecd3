/**
 * Checking and shaping what callers of the API give: the app configuration of a call, its
 * first step (a URL to fetch, or inline markup), addresses, and typed parameter errors.
 */
import { parseVoice } from '@patchbay/markup';
import { PatchbayError } from '../errors.js';
import type { AppConfig, CallEvent, Next } from '../interpreter/session.js';
import type { Address } from '../media/types.js';

const CALL_EVENTS: ReadonlySet<string> = new Set(['initiated', 'ringing', 'answered', 'completed']);

export function invalid(name: string, message: string): PatchbayError {
  return new PatchbayError('invalid-parameter', `${name}: ${message}`);
}

export function appConfig(params: {
  method?: 'GET' | 'POST' | undefined;
  fallbackUrl?: string | undefined;
  fallbackMethod?: 'GET' | 'POST' | undefined;
  statusCallback?: string | undefined;
  statusCallbackMethod?: 'GET' | 'POST' | undefined;
  statusCallbackEvent?: readonly CallEvent[] | undefined;
}): AppConfig {
  const events = params.statusCallbackEvent ?? ['completed'];
  for (const event of events)
    if (!CALL_EVENTS.has(event)) throw invalid('StatusCallbackEvent', `unknown event "${event}"`);
  return {
    method: params.method ?? 'POST',
    fallbackUrl: params.fallbackUrl,
    fallbackMethod: params.fallbackMethod ?? 'POST',
    statusCallback: params.statusCallback,
    statusCallbackMethod: params.statusCallbackMethod ?? 'POST',
    statusCallbackEvents: new Set(events),
  };
}

/** `client:alice` and `sip:...` addresses, else a phone number. */
export function parseAddress(to: string): Address {
  if (to.startsWith('client:')) return { kind: 'client', value: to.slice('client:'.length) };
  if (/^sips?:/i.test(to)) return { kind: 'sip', value: to };
  return { kind: 'number', value: to };
}

/**
 * What a created (or redirected) call runs first. A URL's webhook parameters are left for the
 * interpreter to compute when it fetches the document, so they say how the call is then (an API
 * call's first request says `in-progress`, the callee having answered), not how it was when the
 * request was accepted (`queued`).
 */
export function firstStep(params: {
  url?: string | undefined;
  twiml?: string | undefined;
  method?: 'GET' | 'POST' | undefined;
}): Next {
  if (params.twiml !== undefined) {
    const parsed = parseVoice(params.twiml);
    if (!parsed.ok) {
      const [error] = parsed.errors;
      throw invalid('Twiml', `${error?.code} ${error?.path} ${error?.message}`);
    }
    return { type: 'document', document: parsed.document, url: params.url ?? '', warnings: parsed.warnings };
  }
  return {
    type: 'fetch',
    url: params.url as string,
    method: params.method ?? 'POST',
    progress: true,
  };
}
