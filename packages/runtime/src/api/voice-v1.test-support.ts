/**
 * Voice v1 requests over plain HTTP, as the bootstrap account: for what the official helper
 * hides (the raw `meta` of a page) or does not send (Patchbay's own trunk fields,
 * `AuthUsername` and `AuthPassword`, set as with curl).
 */
import type { ApiHarness } from './harness.test-support.js';

/** One request to `/v1/<path>`: the answer's status and body. */
export async function v1Request(
  harness: ApiHarness,
  method: 'GET' | 'POST',
  path: string,
  form?: Record<string, string>,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const { sid, authToken } = harness.account;
  const response = await fetch(`${harness.base}/v1/${path}`, {
    method,
    headers: {
      authorization: `Basic ${Buffer.from(`${sid}:${authToken}`).toString('base64')}`,
      ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
    },
    ...(form ? { body: new URLSearchParams(form) } : {}),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

/** POSTs `form` to `/v1/ByocTrunks/{trunkSid}`. */
export const updateTrunk = (harness: ApiHarness, trunkSid: string, form: Record<string, string>) =>
  v1Request(harness, 'POST', `ByocTrunks/${trunkSid}`, form);
