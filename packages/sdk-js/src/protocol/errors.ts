/**
 * The device protocol's error codes, shared by the SDK and the runtime: the numeric codes are the
 * ones voice SDK developers already know (20101-20157 for tokens, 31xxx for signaling), so
 * existing error handling keeps working.
 */

export const DEVICE_ERRORS = {
  /** Not a well-formed access token (not a JWT, no identity, unknown algorithm). */
  AccessTokenInvalid: 20101,
  /** The token's header is not an access token's (`cty` is not `twilio-fpa;v=1`). */
  AccessTokenHeaderInvalid: 20102,
  /**
   * The signing key is unknown, revoked, or not the token's account's; or the account is
   * suspended or closed. Also ends a live session when that happens after it opened.
   */
  AccessTokenIssuerInvalid: 20103,
  AccessTokenExpired: 20104,
  AccessTokenNotYetValid: 20105,
  /** The token lacks the grant an action needs (incoming, outgoing application). */
  AccessTokenGrantsInvalid: 20106,
  AccessTokenSignatureInvalid: 20107,
  /** The token lives longer than 24 hours. */
  ExpirationTimeExceedsMaxTimeAllowed: 20157,
  /** The account or application the token names does not exist. */
  ApplicationNotFound: 21218,
  /** The connection to the server failed or ended and could not be resumed. */
  ConnectionError: 31005,
  /** The call ended before the device could act on it (answered elsewhere, the caller hung up). */
  CallCancelled: 31008,
  /** No transport works: the socket and long-poll both failed. */
  TransportError: 31009,
  /**
   * The account is at one of its limits (device sessions, concurrent calls): the hosted SDK's
   * "rate exceeded authorized limit". Retrying later may succeed.
   */
  AccountLimitExceeded: 31206,
  /** A protocol message was not valid JSON, did not match its schema, or was too large. */
  MalformedRequest: 31100,
  /** The call token was tampered with, replayed, expired, or issued for another device. */
  CallTokenInvalid: 31202,
  /** The device is not registered, or the session was lost. */
  RegistrationError: 31301,
  /** The call does not exist or is not this device's. */
  NotFound: 31404,
  /** The device sent more than the server accepts (messages per second, pending requests). */
  TooManyRequests: 31429,
  /** The server is shutting down or cannot take the request now. */
  TemporarilyUnavailable: 31480,
  /** The person or the browser did not allow the microphone (the hosted SDK's PermissionDeniedError). */
  PermissionDenied: 31401,
  /** The microphone could not be opened: no such device, or it is in use (the hosted SDK's AcquisitionFailedError). */
  AcquisitionFailed: 31402,
  /** The call's audio connection (ICE) was lost: the device restarts ICE (`renegotiate`). */
  MediaConnectionFailed: 53405,
  /** Rooms on the control channel (docs/rooms.md): the room's call is in progress already. */
  RoomCallInProgress: 91109,
  /** The room has no call in progress. */
  RoomCallNotFound: 91110,
  /** The participant is not in the room's call (or has not joined, for a mute). */
  RoomParticipantNotFound: 91111,
  /** Nobody to ring: a member not of this room, or only opted-out members. */
  RoomNobodyToRing: 91112,
  /** No such room in the token's account, or the token may not follow it: the same answer. */
  RoomNotFound: 91120,
  /** The token may follow the room but not command it (its rooms grant lacks `organizer`). */
  RoomCommandForbidden: 91121,
  /** The room refused the command for another reason (the message says which). */
  RoomCommandRefused: 91122,
  /** The account's room policy does not let members chat, or send media (`MembersMayChat`, `MembersMaySendMedia`). */
  RoomNotAllowed: 91107,
  /** Schedules on the control channel: the room (20) or the account (500) holds as many as it may. */
  RoomScheduleLimit: 91140,
  /** The member may not schedule calls in this room (it is not the organizer and the room lacks `MembersMaySchedule`), or cancel this one (not theirs). */
  RoomScheduleForbidden: 91141,
  /** The schedule does not parse or has no occurrence to come (the message names the field). */
  RoomScheduleInvalid: 91142,
  /** No such schedule in this room. */
  RoomScheduleNotFound: 91143,
  /** A room message with no text and no media, or past a bound (text, media count, URL length, not http/https). */
  RoomMessageInvalid: 91160,
  /** A private message's recipient is not a member of the room. */
  RoomRecipientNotFound: 91161,
  /** The room takes messages in bursts of 20, then one a second. */
  RoomChatRateLimited: 91162,
  /** Commands (docs/commands.md): the device credential or a form's authenticator does not verify. */
  CommandAuthenticationFailed: 91230,
  GeneralError: 31000,
} as const satisfies Record<string, number>;

export type DeviceErrorName = keyof typeof DEVICE_ERRORS;

/** The error shape carried by protocol messages. */
export interface ProtocolError {
  readonly name: DeviceErrorName;
  readonly code: number;
  readonly message: string;
}

/** An error of the device protocol, with its name and the familiar numeric code. */
export class DeviceError extends Error {
  override readonly name = 'DeviceError';
  readonly code: number;

  constructor(
    /** Stable name of the error (`AccessTokenExpired`, ...): branch on this or on `code`. */
    readonly errorName: DeviceErrorName,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${errorName} (${DEVICE_ERRORS[errorName]}): ${message}`, options);
    this.code = DEVICE_ERRORS[errorName];
  }

  toProtocol(): ProtocolError {
    return { name: this.errorName, code: this.code, message: this.message };
  }

  static fromProtocol(error: ProtocolError): DeviceError {
    const known = error.name in DEVICE_ERRORS ? error.name : 'GeneralError';
    const prefix = `${known} (${DEVICE_ERRORS[known]}): `;
    const text = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
    return new DeviceError(known, text);
  }
}
