/**
 * Patchbay's own trunk fields over plain HTTP: the official helper sends only the hosted API's
 * parameters, so a trunk's carrier credentials (`AuthUsername`, `AuthPassword`) are set as with
 * curl or `patchbay` itself.
 */
import type { ApiHarness } from './harness.test-support.js';

/** POSTs `form` to `/v1/ByocTrunks/{trunkSid}` as the bootstrap account: the answer's status and body. */
export async function updateTrunk(
  harness: ApiHarness,
  trunkSid: string,
  form: Record<string, string>,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const { sid, authToken } = harness.account;
  const response = await fetch(`${harness.base}/v1/ByocTrunks/${trunkSid}`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${sid}:${authToken}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams(form),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}
