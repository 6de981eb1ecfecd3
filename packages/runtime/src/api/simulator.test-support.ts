/**
 * For the Simulator's REST tests: requests as an account over real HTTP, and a second top-level
 * account (one the first cannot see).
 */

import type { ApiHarness } from './harness.test-support.js';
import { bootstrapAccount } from './server.js';

export interface Credentials {
  readonly sid: string;
  readonly authToken: string;
}

/** One REST request as `as` (the bootstrap account by default); repeated keys from arrays. */
export async function rest(
  harness: ApiHarness,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  form?: Record<string, string | readonly string[]>,
  as: Credentials = harness.account,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(form ?? {}))
    for (const item of typeof value === 'string' ? [value] : value) body.append(key, item);
  const response = await fetch(`${harness.base}/2010-04-01/Accounts/${as.sid}/${path}`, {
    method,
    headers: {
      authorization: `Basic ${Buffer.from(`${as.sid}:${as.authToken}`).toString('base64')}`,
      ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
    },
    ...(form ? { body } : {}),
  });
  const text = await response.text();
  return { status: response.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** Another top-level account in the harness's store. */
export async function otherAccount(harness: ApiHarness): Promise<Credentials> {
  const sid = `AC${'e'.repeat(32)}`;
  const { account } = await bootstrapAccount(harness.store, { sid, authToken: 'other-account-token', now: Date.now() });
  return account;
}
