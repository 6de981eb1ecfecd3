/**
 * What the organizer reads: problems in words (the REST API's codes and the control channel's
 * device errors, never a message or a stack trace), each person's state in the call, and why a
 * call ended.
 *
 * @example
 * describeError(new RestError(409, 91103, '...')); // { text: 'This room is full…', code: 91103 }
 */
import { type DeviceErrorName, RestError } from '@patchbay/sdk/client';

export interface Problem {
  readonly text: string;
  readonly code?: number;
}

/** The rooms API's codes (docs/rooms.md, Errors) and the few general ones a form meets. */
const REST_WORDS: Partial<Record<number, string>> = {
  91101: 'No phone number is free for a new room. Add a number to the account, or delete a room you no longer use.',
  91102: 'This room has a call in progress. End it first.',
  91103: 'This room is full. Remove someone, or raise its member limit.',
  91104: 'That person is not in the directory this account takes contacts from.',
  91105: 'The account holds as many rooms as it may.',
  91106: 'Give a phone number or an app user, so the room can reach this person.',
  91107: "The account's room policy does not allow that.",
  91109: 'A call is already in progress. Ring more people into it instead.',
  91110: 'There is no call in progress.',
  91111: 'That person is not in the call (or has not joined yet).',
  91112: 'There is nobody to ring: select members who have not opted out.',
  91140: 'This room has as many scheduled calls as it may.',
  91141: 'Only the organizer can schedule calls in this room.',
  91161: 'That person is not a member of this room any more.',
  91162: 'Too many messages at once. Wait a moment and send again.',
  20003: 'The console is not signed in any more. Reload the page.',
  20404: 'That no longer exists. It may have been deleted elsewhere.',
  20429: 'Too many requests. Wait a moment and try again.',
};

/** Parameters named by 21200 and 91142, in words. */
const FIELDS: Record<string, string> = {
  FriendlyName: 'The name is not valid (1 to 128 characters).',
  AvatarUrl: 'The picture must be an http or https address.',
  FirstName: 'The first name is too long (64 characters at most).',
  LastName: 'The last name is too long (64 characters at most).',
  PhoneNumber: 'The phone number is not valid: write it in E.164, like +15550100123.',
  MobileNumber: 'The mobile number is not valid: write it in E.164, like +15550100123.',
  WorkNumber: 'The work number is not valid: write it in E.164, like +15550100123.',
  HomeNumber: 'The home number is not valid: write it in E.164, like +15550100123.',
  OtherNumber: 'The other number is not valid: write it in E.164, like +15550100123.',
  RingPhone: 'That person has no number of that kind.',
  MemberLimit: 'The member limit is a whole number from 1 to 250.',
  InactivityTimeout: 'Alone for: from 1 minute to 24 hours (1440 minutes).',
  MaxDuration: 'The longest call: from 1 minute to 24 hours (1440 minutes).',
  NonMembers: 'Choose what happens when someone who is not a member calls.',
  MediaUrl: 'Each attachment must be an http or https address (10 at most, 512 characters each).',
  Body: 'Write a message (1,600 characters at most), or attach something.',
  Identity: 'The app user may have letters, digits and . _ - @ + (121 at most).',
  StartTime: 'Choose a date and time in the future (within ten years).',
  Time: 'Choose a time of day.',
  Days: 'Choose at least one day of the week.',
  DayOfMonth: 'Choose a day of the month from 1 to 31.',
  TimeZone: 'The time zone is not known.',
};

const DEVICE_WORDS: Partial<Record<DeviceErrorName, string>> = {
  RoomCallInProgress: REST_WORDS[91109] as string,
  RoomCallNotFound: REST_WORDS[91110] as string,
  RoomParticipantNotFound: REST_WORDS[91111] as string,
  RoomNobodyToRing: REST_WORDS[91112] as string,
  RoomNotFound: 'That room does not exist, or this console may not follow it.',
  RoomCommandForbidden: 'Only the organizer can do that.',
  RoomCommandRefused: 'The room could not do that.',
  RoomNotAllowed: "The account's room policy does not allow that (chat or media).",
  RoomRecipientNotFound: 'That person is not a member of this room any more.',
  RoomChatRateLimited: 'Too many messages at once. Wait a moment and send again.',
  AccessTokenExpired: 'The console has been signed in too long. Reload the page.',
  ConnectionError: 'The live connection was lost. Reconnecting…',
  TransportError: 'The service cannot be reached. Check your network connection.',
  TooManyRequests: 'Too many actions too quickly. Wait a moment and try again.',
  TemporarilyUnavailable: 'The service is busy or restarting. Try again shortly.',
};

function fieldOf(message: string): string | undefined {
  return Object.keys(FIELDS).find((field) => new RegExp(`\\b${field}\\b`).test(message));
}

export function describeError(error: unknown): Problem {
  if (error instanceof RestError) {
    if (error.status === 0) return { text: 'The console server cannot be reached. Check your network connection.' };
    if (error.code === 21200 || error.code === 91142 || error.code === 91160) {
      const field = fieldOf(error.message);
      return { text: field ? (FIELDS[field] as string) : 'Something in the form is not valid.', code: error.code };
    }
    const words = REST_WORDS[error.code];
    if (words) return { text: words, code: error.code };
    return { text: 'The service could not do that.', ...(error.code ? { code: error.code } : {}) };
  }
  if (typeof error === 'object' && error !== null && 'errorName' in error && 'code' in error) {
    const { errorName, code, message } = error as { errorName: DeviceErrorName; code: number; message: string };
    // An invalid message names its field, as the REST API's 21200 does.
    const field = errorName === 'RoomMessageInvalid' ? fieldOf(message) : undefined;
    if (field) return { text: FIELDS[field] as string, code };
    return { text: DEVICE_WORDS[errorName] ?? 'Something went wrong with the live connection.', code };
  }
  if (error instanceof UserError) return { text: error.message };
  return { text: 'Something went wrong on this page. Reload it to try again.' };
}

/** Something the organizer should fix, found by the page itself. */
export class UserError extends Error {
  override readonly name = 'UserError';
}

/** A person's state in the call, as the roster shows it. */
export const STATE_WORDS: Record<string, string> = {
  waiting: 'Waiting',
  ringing: 'Ringing',
  joined: 'Joined',
  left: 'Left',
  declined: 'Declined',
  busy: 'Busy',
  'no-answer': 'No answer',
  failed: 'Unreachable',
  'opted-out': 'Opted out',
};

export const END_WORDS: Record<string, string> = {
  'ended-by-request': 'Ended for everyone',
  'organizer-left': 'The organizer hung up',
  'organizer-unreachable': 'Your phone did not answer',
  inactivity: 'Ended: one person was left alone',
  'max-duration': 'Ended: the longest a call may last',
  empty: 'Ended: everyone left',
  'fatal-error': 'Ended: the call failed',
  'server-restart': 'Ended: the server restarted',
};

/** `65_000` → `1:05`; an hour and more → `1:02:05`. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const [h, m, s] = [Math.floor(total / 3600), Math.floor(total / 60) % 60, total % 60];
  const mmss = `${h > 0 ? String(m).padStart(2, '0') : m}:${String(s).padStart(2, '0')}`;
  return h > 0 ? `${h}:${mmss}` : mmss;
}
