/**
 * In-process apps: documents at a reserved origin that no resolver answers (`*.invalid`, RFC
 * 2606) are produced here by a feature of the server itself (rooms), as markup text, instead of
 * being fetched over HTTP. The call still parses them with the same parser, runs them with the
 * same interpreter and records each request and answer in its Events, so a room call is an
 * ordinary call, not a second call path; the server does not call itself over the network (no
 * public URL needed, no egress rules to open, no request signing to verify).
 *
 * @example
 * runtime.localApps.mount('https://rooms.patchbay.invalid', async ({ url, params }) => '<Response/>');
 */
import type { WebhookParams } from '@patchbay/sdk';
import { PatchbayError } from '../errors.js';
import type { WebhookResult } from '../webhooks/fetch.js';

export interface LocalRequest {
  readonly url: URL;
  readonly method: 'GET' | 'POST';
  readonly params: WebhookParams;
  /** The account of the call asking: an app answers only its own account's calls. */
  readonly accountSid: string;
}

/** Answers a request with a markup document (text), or throws to fail it as an unreachable app would. */
export type LocalApp = (request: LocalRequest) => Promise<string>;

export class LocalApps {
  readonly #apps = new Map<string, LocalApp>();

  /** Serves `origin` (`https://<name>.invalid` only); returns the function that unmounts it. */
  mount(origin: string, app: LocalApp): () => void {
    const { origin: normalised, hostname } = new URL(origin);
    if (!hostname.endsWith('.invalid')) throw new Error(`local apps live under .invalid origins, not ${origin}`);
    this.#apps.set(normalised, app);
    return () => {
      if (this.#apps.get(normalised) === app) this.#apps.delete(normalised);
    };
  }

  /** The app serving `url`, if one is mounted at its origin. */
  find(url: string): LocalApp | undefined {
    if (this.#apps.size === 0) return undefined;
    try {
      return this.#apps.get(new URL(url).origin);
    } catch {
      return undefined;
    }
  }
}

/** A local app's answer, shaped as an HTTP one: 200 with markup, or 11200 when it failed. */
export async function askLocal(
  app: LocalApp,
  request: {
    readonly url: string;
    readonly method: 'GET' | 'POST';
    readonly params: WebhookParams;
    readonly accountSid: string;
  },
): Promise<WebhookResult> {
  const { url, method, params, accountSid } = request;
  try {
    const body = await app({ url: new URL(url), method, params, accountSid });
    return { ok: true, status: 200, contentType: 'text/xml', headers: { 'content-type': 'text/xml' }, body, url };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, error: new PatchbayError('http-retrieval-failure', `${url}: ${message}`), url };
  }
}
