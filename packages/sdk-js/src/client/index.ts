/**
 * @patchbay/sdk/client: the browser-safe part of the SDK (no Node-only imports): client devices
 * and their calls.
 *
 * @example
 * import { Device } from '@patchbay/sdk/client';
 * const device = new Device(token, { server: 'https://patchbay.example.com' });
 * device.on('incoming', (call) => void call.accept());
 * await device.register();
 */

/** Commands carried out on this device (docs/commands.md). */
export * from '../commands/index.js';
/** `device.audio`: microphone and speaker selection, sounds on or off (the hosted browser SDK's shapes). */
export {
  type AudioDeviceInfo,
  AudioError,
  AudioHelper,
  type AudioHelperEvents,
  OutputDeviceCollection,
  type ToggleableSound,
} from '../device/audio.js';
/** Devices and calls. */
export { Call, type CallEvents, type CallStatus, type CancelReason } from '../device/call.js';
export {
  Device,
  type DeviceClock,
  type DeviceEvents,
  type DeviceOptions,
  type DeviceState,
  type Presence,
} from '../device/device.js';
/** Call audio over WebRTC: its options (TURN servers, microphone constraints). */
export { type CallMediaOptions, type IceServer, type RtcConfiguration, webRtcAvailable } from '../device/media.js';
export { THRESHOLDS as QUALITY_THRESHOLDS, type WarningData, type WarningName } from '../device/quality.js';
/** A room on the device channel: its call's commands, events and roster. */
export {
  Room,
  type RoomCallError,
  type RoomChatMessage,
  type RoomEvents,
  type RoomMember,
  type RoomUpdate,
  type ScheduleRequest,
  type SendOptions,
} from '../device/room.js';
/** The device's sounds (ringtone, keys, disconnect) and the call quality warnings' names. */
export { SOUND_NAMES, type SoundName } from '../device/sounds.js';
export type { WebSocketConstructor, WebSocketLike } from '../device/transport.js';
/** Errors with stable names and the familiar numeric codes. */
export { DEVICE_ERRORS, DeviceError, type DeviceErrorName } from '../protocol/errors.js';
/** What `device.rooms()` answers, and what a `notice` tells (`room-added`: the app was added to a room). */
export type { DeviceNotice, RoomSchedule, RoomSummary } from '../protocol/messages.js';
/** Registering this device by its phone number or email; what waits for it once woken (docs/registration.md). */
export * from '../registration/index.js';
/**
 * The REST client runs in browsers too (it uses `fetch`): point it at your own server, which adds
 * the account's credentials (never put an auth token in a page). Rooms are `client.rooms`.
 */
export { Patchbay, type PatchbayOptions } from '../rest/client.js';
export { RestError } from '../rest/http.js';
export type { RoomCallInstance, RoomCallParticipant, RoomCallState, StartRoomCall } from '../rest/room-calls.js';
export type { RoomScheduleInstance, ScheduleParams, Weekday } from '../rest/room-schedules.js';
export type { MemberParams, PhoneType, RoomInstance, RoomMemberInstance } from '../rest/rooms.js';
/** Reading a token's identity and expiry (unverified). */
export { readTokenClaims, type TokenClaims } from '../tokens/jwt.js';
