/** Why a call or message was not run (see RuntimeOptions.admit). */
import { PatchbayError } from './errors.js';

/** The store's typed error, or a `store-unavailable` one made from what the admission threw. */
export function refusal(error: unknown): PatchbayError {
  if (error instanceof PatchbayError) return error;
  return new PatchbayError('store-unavailable', `not stored: ${String(error)}`, { cause: error });
}
