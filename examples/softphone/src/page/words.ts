/**
 * Errors in words: what the person at the phone reads when something fails. Every device error
 * code has a sentence (the table is typed by the SDK's codes, so a new code without words fails
 * to compile) and, where the person can do something about it, what to do.
 *
 * @example
 * describeError(new DeviceError('AccessTokenExpired', 'the token expired'));
 * // { text: 'Your sign-in has expired. …', code: 20104, signIn: true }
 */
import type { DeviceErrorName } from '@patchbay/sdk/client';

export interface Problem {
  /** One or two sentences for the person using the phone. */
  readonly text: string;
  /** The numeric code, for support (shown small beside the text). */
  readonly code?: number;
  /** Signing in again (a fresh token) is the fix. */
  readonly signIn?: boolean;
}

const WORDS = {
  AccessTokenInvalid: 'This phone could not sign in: its access token is not valid.',
  AccessTokenHeaderInvalid: 'This phone could not sign in: its access token is not valid.',
  AccessTokenIssuerInvalid:
    'Your sign-in was revoked (the key that signed it was removed, or the account is suspended).',
  AccessTokenExpired: 'Your sign-in has expired. Sign in again to make and take calls.',
  AccessTokenNotYetValid: "Your sign-in is not valid yet. Check that this computer's clock is right.",
  AccessTokenGrantsInvalid:
    'This phone is not allowed to do that (its sign-in does not grant incoming or outgoing calls).',
  AccessTokenSignatureInvalid: 'This phone could not sign in: its access token was not signed by this account.',
  ExpirationTimeExceedsMaxTimeAllowed: 'This phone could not sign in: its access token lasts longer than 24 hours.',
  ApplicationNotFound: 'The calling app set up for this phone no longer exists.',
  ConnectionError: 'The connection to the phone service was lost.',
  CallCancelled: 'The call ended before it could be answered.',
  TransportError: 'The phone service cannot be reached. Check your network connection.',
  AccountLimitExceeded: 'Too many calls or phones are active on this account right now. Try again in a minute.',
  MalformedRequest: 'The phone service could not read a request from this phone.',
  CallTokenInvalid: 'That call can no longer be answered.',
  RegistrationError: 'This phone is not signed in for calls.',
  NotFound: 'That call no longer exists.',
  TooManyRequests: 'Too many actions too quickly. Wait a moment and try again.',
  TemporarilyUnavailable: 'The phone service is busy or restarting. Try again shortly.',
  PermissionDenied: "The microphone is not allowed. Allow it in the browser's site settings to make and take calls.",
  AcquisitionFailed: 'The microphone could not be opened. Choose another one, or close the program using it.',
  MediaConnectionFailed: 'The audio of this call was interrupted; reconnecting.',
  // Rooms' control channel (the softphone does not use it; every name needs words).
  RoomCallInProgress: 'The room already has a call in progress.',
  RoomCallNotFound: 'The room has no call in progress.',
  RoomParticipantNotFound: 'That person is not in the call.',
  RoomNobodyToRing: 'There is nobody to ring in this room.',
  RoomNotFound: 'That room does not exist, or you may not follow it.',
  RoomCommandForbidden: 'Only the organizer can do that.',
  RoomCommandRefused: 'The room could not do that.',
  RoomNotAllowed: "The room's rules do not allow that.",
  RoomMessageInvalid: 'That message cannot be sent: it is empty or too long.',
  RoomRecipientNotFound: 'That person is not a member of the room.',
  RoomChatRateLimited: 'Too many messages in this room. Wait a moment and try again.',
  RoomScheduleLimit: 'This room has as many scheduled calls as it may. Delete one first.',
  RoomScheduleForbidden: 'Only the organizer (or whoever scheduled it) can do that with this scheduled call.',
  RoomScheduleInvalid: 'That schedule is not valid: check its day and time.',
  RoomScheduleNotFound: 'That scheduled call no longer exists.',
  CommandAuthenticationFailed: 'This device could not prove who it is: register it again.',
  GeneralError: 'Something went wrong with the phone service.',
} satisfies Record<DeviceErrorName, string>;

const SIGN_IN = new Set<DeviceErrorName>([
  'AccessTokenInvalid',
  'AccessTokenHeaderInvalid',
  'AccessTokenIssuerInvalid',
  'AccessTokenExpired',
  'AccessTokenSignatureInvalid',
  'ExpirationTimeExceedsMaxTimeAllowed',
]);

function isDeviceError(error: unknown): error is { errorName: DeviceErrorName; code: number } {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { errorName?: unknown }).errorName === 'string' &&
    (error as { errorName: string }).errorName in WORDS
  );
}

/** Words for anything thrown by the SDK or the page; never a message or a stack trace. */
export function describeError(error: unknown): Problem {
  if (isDeviceError(error))
    return { text: WORDS[error.errorName], code: error.code, signIn: SIGN_IN.has(error.errorName) };
  if (error instanceof TokenServerError) return { text: error.words, signIn: true };
  return { text: 'Something went wrong on this page. Reload it to try again.' };
}

/** The token server did not give a token (down, or refused the identity). */
export class TokenServerError extends Error {
  override readonly name = 'TokenServerError';
  constructor(
    readonly words: string,
    options?: { cause?: unknown },
  ) {
    super(words, options);
  }
}

/** How a call that ended is described in the recent calls list and the status line. */
export function describeEnd(direction: 'INCOMING' | 'OUTGOING', how: CallEnd): string {
  switch (how) {
    case 'completed':
      return 'Call ended';
    case 'declined':
      return 'Declined';
    case 'missed':
      return direction === 'INCOMING' ? 'Missed call' : 'Not connected';
    case 'answered-elsewhere':
      return 'Answered on another device';
    case 'failed':
      return 'Call failed';
  }
}

export type CallEnd = 'completed' | 'declined' | 'missed' | 'answered-elsewhere' | 'failed';
