/**
 * /patchbay/v1/Rooms/{RoomSid}/Members/{MemberSid}/Verification: proving a member holds a phone
 * number before they chat by text as that member (docs/rooms.md, Chat; rooms/chat/verification.ts).
 * `POST` without `Code` texts a code to the number (`PhoneNumber`, else the one they are texted
 * on): 201. `POST` with `Code` checks it: 200 `approved` (texts held meanwhile go to the room),
 * or 91171 wrong, 91172 none pending or expired, 91173 too many attempts. `GET` the latest state.
 */

import {
  checkCode,
  numberToVerify,
  sendCode,
  VERIFICATION,
  type VerificationRecord,
  verificationOf,
  verificationStatus,
} from '../../../rooms/chat/verification.js';
import { roomMembers } from '../../../rooms/members.js';
import type { RoomMemberRecord, RoomRecord } from '../../../rooms/records.js';
import { field, invalid, notFound } from '../../http.js';
import type { Resource } from '../context.js';
import { isoDate } from '../voice-v1/paging.js';
import type { RoomsApi } from './index.js';
import { V1 } from './json.js';

const PATH = /^Rooms\/(RM[0-9a-f]{32})\/Members\/(MB[0-9a-f]{32})\/Verification$/;

export function verificationJson(record: VerificationRecord, base: string, now: number) {
  return {
    sid: record.sid,
    account_sid: record.accountSid,
    room_sid: record.roomSid,
    member_sid: record.memberSid,
    phone_number: record.phoneNumber,
    /** pending, approved, expired, max-attempts */
    status: verificationStatus(record, now),
    attempts_left: record.status === 'pending' ? VERIFICATION.attempts - record.attempts : 0,
    held_messages: record.held.length,
    date_expires: isoDate(record.expiresAt),
    date_created: isoDate(record.createdAt),
    date_updated: isoDate(record.updatedAt),
    url: `${base}${V1}/Rooms/${record.roomSid}/Members/${record.memberSid}/Verification`,
  };
}

export const verificationResource =
  (api: RoomsApi): Resource =>
  async (context) => {
    const match = PATH.exec(context.rest);
    if (!match) return undefined;
    const [, roomSid = '', memberSid = ''] = match;
    const { store, account, method, publicUrl, runtime } = context;
    const room = await store.get<RoomRecord>('room', account.sid, roomSid);
    if (!room) throw notFound(roomSid);
    const member = await store.get<RoomMemberRecord>('room-member', account.sid, memberSid);
    if (!member || member.roomSid !== roomSid) throw notFound(memberSid);
    const now = () => runtime.clock.now();
    const deps = { store, runtime };
    if (method === 'GET') {
      const number = numberToVerify(member, context.query.get('PhoneNumber') ?? undefined);
      const record = await verificationOf(store, member, number);
      if (!record) throw notFound(`${memberSid}/Verification`);
      return { status: 200, body: verificationJson(record, publicUrl, now()) };
    }
    if (method !== 'POST') return undefined;
    const form = await context.form();
    const number = numberToVerify(member, field(form, 'PhoneNumber'));
    const code = field(form, 'Code');
    if (code === undefined) {
      const record = await sendCode(deps, room, member, number);
      return { status: 201, body: verificationJson(record, publicUrl, now()) };
    }
    if (code.length > 16) throw invalid(21200, 'Code', 'must be the code the text gave');
    const { record, held } = await checkCode(deps, member, number, code);
    // Texts held meanwhile go to the room now, as the member's.
    const current = (await roomMembers(store, room)).find((m) => m.sid === memberSid);
    for (const text of current ? held : [])
      await api.calls.chat
        ?.post(room, { from: memberSid, body: text.body, mediaUrls: text.mediaUrls, source: 'sms' })
        // One the room refuses now (the policy changed, its rate) is dropped: the number is verified all the same.
        .catch(() => undefined);
    return { status: 200, body: verificationJson(record, publicUrl, now()) };
  };
