/**
 * @patchbay/sdk: what apps built on Patchbay import.
 *
 * @example
 * import { validateRequest } from '@patchbay/sdk';
 * validateRequest(authToken, req.headers['x-twilio-signature'], fullUrl, req.body);
 */

/** Webhook signatures: validate what Patchbay sends (and what the runtime signs with). */
export {
  getExpectedSignature,
  SIGNATURE_HEADER,
  signatureBase,
  signJsonBody,
  validateRequest,
  type WebhookParams,
} from './webhooks/signature.js';
