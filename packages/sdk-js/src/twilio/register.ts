/**
 * The preload that points an unchanged app's `twilio` helper at Patchbay:
 *
 * ```sh
 * PATCHBAY_URL=http://localhost:3000 node --require @patchbay/sdk/register-twilio app.js
 * PATCHBAY_URL=http://localhost:3000 node --import @patchbay/sdk/register-twilio app.mjs
 * ```
 *
 * `twilio(sid, token)` then talks to `PATCHBAY_URL` (give the Patchbay account's SID and token).
 * Without `PATCHBAY_URL`, or with one that is not http(s), the process stops at once with a
 * PatchbayUrlError saying so, rather than sending anything to the hosted API.
 */
import { patchTwilioOnLoad } from './patch.js';
import { patchbayBase } from './target.js';

patchTwilioOnLoad(patchbayBase(process.env.PATCHBAY_URL, 'PATCHBAY_URL (for @patchbay/sdk/register-twilio)'));
