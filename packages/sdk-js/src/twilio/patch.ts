/**
 * Points every copy of the official `twilio` helper a process loads at a Patchbay server, with no
 * change to the app: each copy's `RequestClient.prototype.request` rewrites the URL of a request
 * (see target.ts) before the helper's own transport sends it, so timeouts, retries, proxies and
 * `lastResponse` behave as the app configured them. Copies are recognised by shape as they load
 * (CommonJS `require` and ESM `import` of the helper both pass through `Module._load`).
 */
import Module from 'node:module';
import { patchbayUri } from './target.js';

interface HelperRequestClient {
  prototype: { request(options: { uri: string }): unknown };
}

const PATCHED = Symbol.for('patchbay.twilio.patched');

/** Whether `exports` is the helper's main export (the `twilio()` factory with its RequestClient). */
function isHelper(exports: unknown): exports is { RequestClient: HelperRequestClient } {
  if (typeof exports !== 'function') return false;
  const client = (exports as { RequestClient?: unknown }).RequestClient;
  return typeof client === 'function' && typeof client.prototype?.request === 'function';
}

/** Makes this copy of the helper send to `base`. Patching the same copy again changes nothing. */
export function patchTwilio(helper: unknown, base: URL): boolean {
  if (!isHelper(helper)) return false;
  const prototype = helper.RequestClient.prototype as HelperRequestClient['prototype'] & { [PATCHED]?: true };
  if (prototype[PATCHED]) return true;
  const send = prototype.request;
  prototype.request = function request(this: unknown, options: { uri: string }) {
    // A refused host rejects like a failed request would, through the promise the helper awaits.
    let uri: string;
    try {
      uri = patchbayUri(base, options.uri);
    } catch (error) {
      return Promise.reject(error);
    }
    return send.call(this, { ...options, uri });
  };
  prototype[PATCHED] = true;
  return true;
}

type Load = (request: string, parent: unknown, isMain: boolean) => unknown;

/** Patches each copy of the helper loaded from now on. */
export function patchTwilioOnLoad(base: URL): void {
  const loader = Module as unknown as { _load: Load };
  const load = loader._load;
  loader._load = function patchedLoad(this: unknown, ...args: Parameters<Load>) {
    const exports = load.apply(this, args);
    patchTwilio(exports, base);
    return exports;
  };
}
