/**
 * The markup a room call's legs run, as pure functions of what they need to say: the invitation
 * a phone member hears (press 1 to join), the join itself (`<Dial><Conference>`), a goodbye. The
 * rooms app (local-app.ts) answers the calls' document requests with these.
 *
 * @example
 * invitation({ caller: 'Olga', room: 'Book club', action: joinUrl }); // '<Response><Gather ...'
 */
import { VoiceResponse } from '@patchbay/markup';

/** Seconds a phone member has to press 1 before the invitation counts as declined. */
export const INVITATION_TIMEOUT_S = 8;

/** "<caller> is calling you for <room>. Press 1 to join." Anything else, or silence, declines. */
export function invitationText(caller: string | undefined, room: string): string {
  return `${caller ? `${caller} is calling you for ${room}` : `${room} is calling you`}. Press 1 to join.`;
}

export function invitation(caller: string | undefined, room: string, action: string): string {
  const response = new VoiceResponse();
  response
    .gather({ numDigits: 1, timeout: INVITATION_TIMEOUT_S, action, method: 'POST' })
    .say(invitationText(caller, room));
  response.hangup();
  return response.toString();
}

export interface JoinOptions {
  readonly conference: string;
  /** Said before joining (the organizer called first, someone dialing in). */
  readonly greeting?: string;
  readonly muted?: boolean;
}

/** Into the room's conference; when the conference ends the document ends and the call hangs up. */
export function join(options: JoinOptions): string {
  const response = new VoiceResponse();
  if (options.greeting) response.say(options.greeting);
  response.dial().conference(
    {
      startConferenceOnEnter: true,
      endConferenceOnExit: false,
      beep: 'true',
      ...(options.muted ? { muted: true } : {}),
    },
    options.conference,
  );
  response.hangup();
  return response.toString();
}

export function goodbye(text: string): string {
  const response = new VoiceResponse();
  response.say(text);
  response.hangup();
  return response.toString();
}

/** One minute before the maximum length: what the whole room hears. */
export function maxDurationWarning(seconds: number): string {
  const minutes = Math.round(seconds / 60);
  return minutes >= 2
    ? `This call will end in ${minutes} minutes.`
    : seconds >= 60
      ? 'This call will end in one minute.'
      : `This call will end in ${seconds} seconds.`;
}
