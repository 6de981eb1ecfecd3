/**
 * What a room message may carry, checked the same way whichever way it arrives (REST, the
 * control channel, a text): some text or some media, at most 1,600 characters, at most 10 media
 * URLs (http or https, at most 512 characters each), recipients that are member SIDs. Each bad
 * field is a typed error naming it (91160).
 *
 * @example
 * checkContent({ body: 'hi', mediaUrls: [] }); // throws RestError 91160 when it is not fit to post
 */
import { invalid } from '../../api/http.js';
import { urlRefusal } from '../../webhooks/egress.js';
import { ROOM_LIMITS } from '../records.js';
import { CHAT_LIMITS } from './records.js';

const MEMBER_SID = /^MB[0-9a-f]{32}$/;

export interface Content {
  readonly body: string;
  readonly mediaUrls: readonly string[];
  readonly to?: readonly string[] | undefined;
}

export function checkContent(content: Content): void {
  const { body, mediaUrls, to } = content;
  if (body.trim() === '' && mediaUrls.length === 0) throw invalid(91160, 'Body', 'give a text, media, or both');
  if (body.length > CHAT_LIMITS.bodyLength)
    throw invalid(91160, 'Body', `must be at most ${CHAT_LIMITS.bodyLength} characters, not ${body.length}`);
  if (mediaUrls.length > CHAT_LIMITS.mediaCount)
    throw invalid(91160, 'MediaUrl', `at most ${CHAT_LIMITS.mediaCount} per message, not ${mediaUrls.length}`);
  for (const url of mediaUrls) {
    if (url.length > CHAT_LIMITS.mediaUrlLength)
      throw invalid(91160, 'MediaUrl', `must be at most ${CHAT_LIMITS.mediaUrlLength} characters`);
    const refused = urlRefusal(url);
    if (refused) throw invalid(91160, 'MediaUrl', refused);
  }
  if (to === undefined) return;
  if (to.length === 0) throw invalid(91160, 'To', 'name at least one member, or leave To out for everyone');
  if (to.length > ROOM_LIMITS.memberLimitMax)
    throw invalid(91160, 'To', `at most ${ROOM_LIMITS.memberLimitMax} members`);
  for (const sid of to) if (!MEMBER_SID.test(sid)) throw invalid(91160, 'To', `"${sid}" is not a member SID`);
}

/** The SMS a phone member gets: the author's name first ("Ann: ..."), marked when private. */
export function smsText(message: { readonly author: string; readonly body: string; readonly to?: unknown }): string {
  const who = message.to ? `${message.author} (private)` : message.author;
  return message.body === '' ? `${who}:` : `${who}: ${message.body}`;
}
