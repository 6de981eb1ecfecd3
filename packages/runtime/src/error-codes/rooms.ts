/**
 * Codes of rooms (`/patchbay/v1/Rooms`, docs/rooms.md): Patchbay's own feature, so its own range
 * (91100-91199), answered by the REST API like any other (`{ code, message, more_info, status }`).
 */
import type { ErrorTable } from './types.js';

export const ROOM_ERRORS = {
  91101: {
    title: 'No free phone number for the room',
    meaning:
      "A room gets a number of the account's own that nothing else uses (no voice or SMS URL, no application, no other room). Every number of the account is in use. Answered 409.",
    action:
      'Add a number to the account (IncomingPhoneNumbers), or free one by clearing its URLs, then create the room again.',
  },
  91102: {
    title: 'The room has a call in progress',
    meaning: 'A room cannot be deleted while its call runs (members would be cut off without a word). Answered 409.',
    action: 'End the call (`POST .../Rooms/{Sid}/Call` with `Status=completed`) and delete the room afterwards.',
  },
  91103: {
    title: 'Room member limit reached',
    meaning:
      'The room holds as many members as its `MemberLimit` (40 by default, at most 250). A contact that merges into an existing member does not count again.',
    action: "Remove a member, or raise the room's `MemberLimit`.",
  },
  91104: {
    title: 'Contact not in the directory',
    meaning:
      "The account's room policy takes contacts only from the operator's directory (`ContactsFromDirectoryOnly`), and this one is not there: no `DirectoryEntrySid`, and no entry with its identity or one of its numbers.",
    action:
      'Add the contact to the directory (`/patchbay/v1/Directory`) first, or name the entry with `DirectoryEntrySid`.',
  },
  91105: {
    title: 'Too many rooms or directory entries',
    meaning: 'The account holds as many rooms (1,000) or directory entries (10,000) as Patchbay keeps per account.',
    action: 'Delete rooms or entries that are no longer used.',
  },
  91106: {
    title: 'A contact needs a way to reach it',
    meaning:
      'A member or directory entry has neither an identity (an app user) nor a phone number, or names a `RingPhone` it has no number for.',
    action:
      'Give `Identity`, a phone number (`PhoneNumber`, `MobileNumber`, `WorkNumber`, `HomeNumber`, `OtherNumber`), or both.',
  },
  91107: {
    title: 'Not allowed by the room policy',
    meaning:
      "The account's room policy forbids this for members: changing an avatar (`MembersMayChangeAvatar`), chatting or sending media.",
    action: 'Ask the operator to change the policy (`/patchbay/v1/RoomPolicy`), or leave the field out.',
  },
  91108: {
    title: 'The number belongs to a room',
    meaning:
      'The number was assigned to a room when the room was created; it cannot be deleted while the room exists. Answered 409.',
    action: 'Delete the room first (its number is then free again).',
  },
  91109: {
    title: 'The room already has a call in progress',
    meaning:
      'A room has one call at a time; starting another while it runs would split the members between two conferences. Answered 409.',
    action:
      'Ring more members into the running call (`POST .../Rooms/{Sid}/Call/Participants`), or end it (`Status=completed`) and start again.',
  },
  91110: {
    title: 'The room has no call in progress',
    meaning:
      'The roster and the call controls (`.../Rooms/{Sid}/Call`, `.../Call/Participants`) need a call that runs; this room has none (none was started, or it ended). Answered 404.',
    action: 'Start a call first (`POST .../Rooms/{Sid}/Call` with `Members` or `All=true`).',
  },
  91111: {
    title: 'Not in the room call',
    meaning:
      "The participant named is not in the room call's roster (a member SID, or a non-member's call SID), or has not joined the conference for a command that needs it (mute). Answered 404, or 409 when not joined.",
    action: "Read the roster (`GET .../Rooms/{Sid}/Call`) for the participants' keys and states.",
  },
  91112: {
    title: 'Nobody to ring',
    meaning:
      "The selection of members is empty, names a SID that is not a member of this room, or holds only members who opted out (texted STOP to the room's number).",
    action: 'Give `Members` (member SIDs of this room, repeated) or `All=true`.',
  },
  91120: {
    title: 'Room not found on the control channel',
    meaning:
      "A device's `room-subscribe` or `room-command` names a room that is not in the token's account, or that the token may not follow: its rooms grant does not name it and its identity is not one of the room's members. Both get the same answer, so a room another account owns stays invisible. The device's error is `RoomNotFound`.",
    action:
      'Mint the token with `new RoomsGrant({ rooms: [roomSid] })` (the SDK) for the account that owns the room, or add the identity as a member.',
  },
  91121: {
    title: 'The token may follow the room but not command it',
    meaning:
      "A device sent a `room-command` for a room it may only follow: its token's rooms grant lacks `organizer: true`, or it follows the room as a member. The device's error is `RoomCommandForbidden`.",
    action:
      "Command the room with a token whose rooms grant names it with `organizer: true` (the room's organizer's app).",
  },
  91122: {
    title: 'The room refused the command',
    meaning:
      "A `room-command` failed for a reason the device protocol has no code of its own for (for example the organizer has no phone to ring first); the message says which. The device's error is `RoomCommandRefused`.",
    action: 'Read the message; the same command over REST answers with the detailed code.',
  },
  91140: {
    title: 'Too many schedules',
    meaning:
      'A room holds at most 20 scheduled calls, an account 500 (ended schedules count until deleted). Answered 409.',
    action: 'Delete schedules that are over or no longer wanted (`DELETE .../Rooms/{Sid}/Schedules/{ScheduleSid}`).',
  },
  91141: {
    title: 'Not allowed to schedule calls',
    meaning:
      "`CreatedBy` names a member who is not the room's organizer, and the room does not let members schedule calls (`MembersMaySchedule`). Answered 403.",
    action: 'Schedule as the organizer or the account, or set `MembersMaySchedule=true` on the room.',
  },
  91142: {
    title: 'Invalid schedule',
    meaning:
      'The schedule has no future occurrence or does not parse: an unknown `Recurrence` or `TimeZone`, a `Time` that is not HH:MM, no `Days` for a weekly call, a `DayOfMonth` outside 1-31, a `StartTime` in the past or more than ten years ahead, or an `EndDate`/`Count` that leaves nothing to run.',
    action: 'Fix the field named in the message (docs/rooms.md, Schedules).',
  },
  91143: {
    title: 'Schedule not found',
    meaning:
      "`unschedule` on the control channel named a schedule the room does not have (deleted already, or another room's). REST answers 404 with 20404 for the same.",
    action:
      "List the room's schedules (`room.schedules()`, or `GET .../Rooms/{Sid}/Schedules`) and use a SID from there.",
  },
  91160: {
    title: 'Invalid room message',
    meaning:
      'A chat message (`POST .../Rooms/{Sid}/Messages`, `send` on the control channel) has no text and no media, more than 1,600 characters, more than 10 media URLs, a media URL longer than 512 characters or not http(s), or a `To` that is not a list of member SIDs. The message names the field. Answered 400.',
    action: 'Fix the field named in the message (docs/rooms.md, Chat).',
  },
  91161: {
    title: 'Not a member of the room',
    meaning:
      "A chat message's `From` or one of its `To` recipients is not a member of this room (another room's member, or one removed). Answered 400.",
    action: "List the room's members (`GET .../Rooms/{Sid}/Members`) and use their SIDs.",
  },
  91162: {
    title: 'Too many messages in the room',
    meaning:
      'A room takes 20 chat messages at once, then one a second (texts to its number included), so that a runaway app or a loop of texts cannot flood every member with SMS. Answered 429 with `Retry-After`.',
    action: 'Wait the seconds `Retry-After` says and post again.',
  },
  91170: {
    title: 'No phone number to verify',
    meaning:
      "A phone verification (`POST .../Members/{Sid}/Verification`) for a member with no phone number, for a `PhoneNumber` that is not one of the member's, or for a member who opted out of the room's texts (STOP). Answered 400.",
    action:
      "Give the member a number first, or name one of theirs; a member who opted out texts START to the room's number.",
  },
  91171: {
    title: 'Wrong verification code',
    meaning:
      'The `Code` given (or texted back) is not the code sent to the number. Each code takes 5 attempts; the message says how many are left. Answered 400.',
    action: 'Check the code in the text the room sent, and try again.',
  },
  91172: {
    title: 'No verification code pending',
    meaning:
      'No code was sent to this number, the code expired (codes last 10 minutes), or it was used up by too many wrong attempts. Answered 400.',
    action: 'Ask for a new code (`POST .../Members/{Sid}/Verification` without `Code`).',
  },
  91173: {
    title: 'Too many verification attempts',
    meaning:
      'The code was tried 5 times without success: it no longer works, so a code cannot be guessed. Answered 429.',
    action: 'Ask for a new code.',
  },
  91174: {
    title: 'Too many verification codes',
    meaning: 'A number gets at most 5 codes an hour (each is an SMS to it). Answered 429 with `Retry-After`.',
    action: 'Use the last code sent, or wait for the time `Retry-After` says.',
  },
  91180: {
    title: "The room call's conference ended under it",
    meaning:
      "A room call's conference ended while the call ran, and not because its last participant left: it was ended over REST (`POST .../Conferences/{Sid}.json` with `Status=completed`), or a participant made to end it on leaving left. The room call cannot go on: it ends with `end_reason` `fatal-error` and this code in its `call-ended` event (`ErrorCode`, `ErrorMessage`).",
    action:
      "Leave a room's conference to the room: end its call with `POST .../Rooms/{Sid}/Call` and `Status=completed`. Start a new call when you want one.",
  },
  91181: {
    title: 'The runtime refused to place the room call',
    meaning:
      "The runtime refused a leg of a room call (the account's concurrent-call limit, 10004, or dialing failed, 13227), and the call could not go on without it: it was the organizer's, or nobody had joined when no one was left to ring. The call ends with `end_reason` `fatal-error` and this code; the message names the number and the runtime's code. A refused leg the call can do without only shows its person as `failed`.",
    action:
      "Raise the account's `ConcurrentCalls` limit (or end other calls) and start the call again; for 13227, see the call's own errors (`GET .../Calls/{Sid}/Events`).",
  },
} as const satisfies ErrorTable;
