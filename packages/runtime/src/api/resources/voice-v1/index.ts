/** The hosted voice v1 API's trunk resources (`/v1/ByocTrunks`, `/v1/ConnectionPolicies`), below the caller's account. */
import type { Resource } from '../context.js';
import { policiesResource } from './policies.js';
import { trunksResource } from './trunks.js';

export const voiceV1Resource: Resource = async (context) =>
  (await trunksResource(context)) ?? (await policiesResource(context));
