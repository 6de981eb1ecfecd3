/**
 * @patchbay/sdk: what apps built on Patchbay import (Node): access tokens for devices, webhook
 * validation, and client devices (browsers import `@patchbay/sdk/client`).
 *
 * @example
 * import { AccessToken, VoiceGrant, validateRequest } from '@patchbay/sdk';
 * validateRequest(authToken, req.headers['x-twilio-signature'], fullUrl, req.body);
 * const token = new AccessToken(accountSid, keySid, keySecret, { identity: 'alice' });
 * token.addGrant(new VoiceGrant({ incomingAllow: true }));
 */

/** Commands carried out on a device (docs/commands.md). */
export * from './commands/index.js';
export { Call, type CallEvents, type CallStatus, type CancelReason } from './device/call.js';
export type { DeviceClock, DeviceEvents, DeviceOptions, DeviceState, Presence } from './device/device.js';
/** Client devices (Node: WebSockets through `ws`). */
export { Device } from './device/node.js';
export { DEVICE_ERRORS, DeviceError, type DeviceErrorName } from './protocol/errors.js';
/** Registering a device by its phone number (SMS round trip or code) or email (docs/registration.md). */
export * from './registration/index.js';
/** The REST client. */
export {
  AccountScope,
  type Listing,
  Patchbay,
  type PatchbayOptions,
  type SimulatedCallParams,
  type SimulatedNumberInstance,
  type SimulatedNumberParams,
} from './rest/client.js';
export type { CommandInstance, CommandParams, CommandStatus, DeviceCommandsClient } from './rest/device-commands.js';
export type {
  DeviceFilters,
  DeviceInstance,
  DeviceSettingsInstance,
  DevicesClient,
  WakeResult,
} from './rest/devices.js';
export { RestError } from './rest/http.js';
export type {
  RoomCallClient,
  RoomCallEndReason,
  RoomCallInstance,
  RoomCallParticipant,
  RoomCallState,
  StartRoomCall,
} from './rest/room-calls.js';
export type {
  RoomMessageFilters,
  RoomMessageInstance,
  RoomMessageParams,
  RoomMessagesClient,
  RoomVerificationInstance,
} from './rest/room-messages.js';
export type {
  RoomScheduleInstance,
  RoomSchedulesClient,
  ScheduleParams,
  ScheduleRunOutcome,
  Weekday,
} from './rest/room-schedules.js';
export type {
  ContactInstance,
  ContactParams,
  DirectoryEntryInstance,
  MemberParams,
  NonMemberPolicy,
  PhoneType,
  RoomEventFilters,
  RoomEventInstance,
  RoomInstance,
  RoomMemberInstance,
  RoomParams,
  RoomPolicyInstance,
  RoomPolicyParams,
  RoomsClient,
  V1Page,
} from './rest/rooms.js';
export type * from './rest/types.js';
/** Access tokens for client devices. */
export {
  AccessToken,
  type AccessTokenOptions,
  type Grant,
  MAX_TOKEN_TTL_S,
  type TokenAlgorithm,
  VoiceGrant,
  type VoiceGrantOptions,
} from './tokens/access-token.js';
export { readTokenClaims, type TokenClaims } from './tokens/jwt.js';
export { MAX_GRANT_ROOMS, RoomsGrant, type RoomsGrantOptions } from './tokens/rooms-grant.js';
/** The official `twilio` helper library pointed at Patchbay (`@patchbay/sdk/register-twilio` preloads it). */
export {
  type HelperRequest,
  type HelperResponse,
  type PatchbayHttpClient,
  type PatchbayHttpClientOptions,
  patchbayHttpClient,
} from './twilio/http-client.js';
export { PatchbayUrlError, type PatchbayUrlErrorCode } from './twilio/target.js';
/** Webhook validation as middleware (node:http and Express-style). */
export { isValidWebhook, requestUrl, type WebhookOptions, webhook } from './webhooks/middleware.js';
/** Webhook signatures: validate what Patchbay sends (and what the runtime signs with). */
export {
  getExpectedSignature,
  SIGNATURE_HEADER,
  signatureBase,
  signJsonBody,
  validateRequest,
  type WebhookParams,
} from './webhooks/signature.js';
