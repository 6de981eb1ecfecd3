/**
 * @patchbay/runtime: the call-control engine.
 */

/** Time. */
export { type Clock, holding, sleep, systemClock } from './clock/clock.js';
/** Errors. */
export { type ErrorCode, numericCode, PatchbayError } from './errors.js';
/** Identifiers. */
export { isSid, newSid, type SidPrefix } from './sid.js';
/** Webhooks. */
export { CookieJar } from './webhooks/cookies.js';
export { DEFAULT_LIMITS, type Limits, sendWebhook, type WebhookRequest, type WebhookResult } from './webhooks/fetch.js';
