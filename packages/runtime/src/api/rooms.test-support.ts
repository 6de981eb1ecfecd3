/**
 * Requests to Patchbay's own namespace (`/patchbay/v1`, rooms) over plain HTTP with an account's
 * credentials (the bootstrap account's unless given), as curl or the SDK's REST client send them.
 */
import type { ApiHarness } from './harness.test-support.js';

export interface V1Answer {
  readonly status: number;
  readonly json: Record<string, unknown>;
}

/** A form with repeated keys from arrays (`Members=MB1&Members=MB2`). */
function formBody(form: Record<string, string | readonly string[]>): URLSearchParams {
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(form))
    for (const item of typeof value === 'string' ? [value] : value) body.append(key, item);
  return body;
}

export async function roomsRequest(
  harness: ApiHarness,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  form?: Record<string, string | readonly string[]>,
  credentials: { sid: string; secret: string } = { sid: harness.account.sid, secret: harness.account.authToken },
): Promise<V1Answer> {
  const response = await fetch(`${harness.base}/patchbay/v1/${path}`, {
    method,
    headers: {
      authorization: `Basic ${Buffer.from(`${credentials.sid}:${credentials.secret}`).toString('base64')}`,
      ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
    },
    ...(form ? { body: formBody(form) } : {}),
  });
  const text = await response.text();
  return { status: response.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** Adds `numbers` to the bootstrap account (free: no URLs). */
export async function addNumbers(harness: ApiHarness, ...numbers: string[]): Promise<void> {
  for (const phoneNumber of numbers) await harness.client.incomingPhoneNumbers.create({ phoneNumber });
}
