/**
 * Phone verification (docs/rooms.md, Chat): before a member chats by text as that member, the
 * room proves they hold the number: a 6-digit code is texted to it, and the member gives it back
 * (over REST, or by replying with it). Codes last 10 minutes and take 5 attempts; a number gets at
 * most 5 codes an hour. A code is stored only as a salted SHA-256 hash and compared in constant
 * time; each attempt is counted in the same atomic update that compares it, so parallel guesses
 * cannot pass the bound. One record (`RF...`) per member and number; texts the member sent before
 * verifying are held on it (at most 5) and released, in order, once the code is right.
 *
 * @example
 * const pending = await sendCode(deps, room, member, '+15550100101');
 * const { verified, held } = await checkCode(deps, room, member, '+15550100101', '123456');
 */
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { AccountRecord } from '../../api/auth.js';
import { RestError } from '../../api/http.js';
import type { Runtime } from '../../runtime.js';
import { newSid } from '../../sid.js';
import type { Store, StoredRecord } from '../../store/types.js';
import type { RoomMemberRecord, RoomRecord } from '../records.js';
import { Serial } from '../serial.js';

export const VERIFICATION = {
  codeDigits: 6,
  ttlMs: 10 * 60_000,
  attempts: 5,
  codesPerHour: 5,
  heldTexts: 5,
} as const;

const HOUR = 3_600_000;

export interface HeldText {
  readonly body: string;
  readonly mediaUrls: readonly string[];
  readonly at: number;
}

export interface VerificationRecord extends StoredRecord {
  readonly roomSid: string;
  readonly memberSid: string;
  readonly phoneNumber: string;
  /** The code's salted hash (hex) and its salt; never the code. */
  readonly codeHash: string;
  readonly salt: string;
  readonly expiresAt: number;
  /** Wrong attempts on the current code. */
  readonly attempts: number;
  readonly status: 'pending' | 'approved' | 'max-attempts';
  /** When codes were sent in the last hour (the rate). */
  readonly sentAt: readonly number[];
  readonly held: readonly HeldText[];
  readonly updatedAt: number;
}

export interface VerificationDeps {
  readonly store: Store;
  readonly runtime: Runtime;
}

const hash = (salt: string, code: string) => createHash('sha256').update(salt).update(code).digest('hex');

/** The member's verification of `number`, if one was started. */
export function verificationOf(
  store: Store,
  member: RoomMemberRecord,
  number: string,
): Promise<VerificationRecord | undefined> {
  return store
    .list<VerificationRecord>('room-verification', {
      accountSid: member.accountSid,
      where: { memberSid: member.sid, phoneNumber: number },
      page: 0,
      pageSize: 1,
    })
    .then((page) => page.items[0]);
}

/** The state shown (`pending` past its time is `expired`). */
export function verificationStatus(record: VerificationRecord, now: number) {
  return record.status === 'pending' && now >= record.expiresAt ? 'expired' : record.status;
}

/** The number to verify: the one named (one of the member's), else the one they are texted on. */
export function numberToVerify(member: RoomMemberRecord, named: string | undefined): string {
  if (member.optedOut)
    throw new RestError(400, 91170, `member ${member.sid} opted out of the room's texts (STOP): no code can be sent`);
  const number = named ?? (member.phones.find((p) => p.type === member.ringPhone) ?? member.phones[0])?.number;
  if (!number) throw new RestError(400, 91170, `member ${member.sid} has no phone number to verify`);
  if (!member.phones.some((p) => p.number === number))
    throw new RestError(400, 91170, `PhoneNumber: ${number} is not a number of member ${member.sid}`);
  return number;
}

/** One code at a time per member and number (in-process: one node owns a room's writes). */
const turns = new Serial();

/** Texts a new code to `number` (the earlier one stops working); held texts are kept. */
export function sendCode(
  deps: VerificationDeps,
  room: RoomRecord,
  member: RoomMemberRecord,
  number: string,
  hold?: HeldText,
): Promise<VerificationRecord> {
  return turns.run(`${member.sid}:${number}`, () => newCode(deps, { room, member, number, hold }));
}

async function newCode(
  deps: VerificationDeps,
  target: { room: RoomRecord; member: RoomMemberRecord; number: string; hold: HeldText | undefined },
): Promise<VerificationRecord> {
  const { room, member, number, hold } = target;
  const now = deps.runtime.clock.now();
  const code = String(randomInt(0, 10 ** VERIFICATION.codeDigits)).padStart(VERIFICATION.codeDigits, '0');
  const salt = randomBytes(16).toString('hex');
  const existing = await verificationOf(deps.store, member, number);
  const recent = (existing?.sentAt ?? []).filter((at) => at > now - HOUR);
  if (recent.length >= VERIFICATION.codesPerHour) {
    const wait = Math.ceil(((recent[0] ?? now) + HOUR - now) / 1000);
    throw new RestError(429, 91174, `${number} got ${VERIFICATION.codesPerHour} codes in the last hour`, {
      'Retry-After': String(wait),
    });
  }
  const fresh = {
    codeHash: hash(salt, code),
    salt,
    expiresAt: now + VERIFICATION.ttlMs,
    attempts: 0,
    status: 'pending' as const,
    sentAt: [...recent, now],
    updatedAt: now,
  };
  const held = hold ? [hold] : [];
  let record: VerificationRecord | undefined;
  if (existing)
    record = await deps.store.update<VerificationRecord>('room-verification', member.accountSid, existing.sid, (c) => ({
      ...c,
      ...fresh,
      held: [...c.held, ...held].slice(0, VERIFICATION.heldTexts),
    }));
  if (!record) {
    record = {
      sid: newSid('RF'),
      accountSid: member.accountSid,
      createdAt: now,
      roomSid: room.sid,
      memberSid: member.sid,
      phoneNumber: number,
      held,
      ...fresh,
    };
    await deps.store.put('room-verification', record);
  }
  const account = await deps.store.get<AccountRecord>('account', room.accountSid, room.accountSid);
  if (account)
    deps.runtime.messages.send({
      account: { sid: account.sid, authToken: account.authToken },
      to: number,
      from: room.phoneNumber,
      body: `${code} is your code for ${room.friendlyName}. Reply with it to chat with the room by text. It expires in 10 minutes.`,
    });
  return record;
}

/** Holds one more text on a pending verification (at most VERIFICATION.heldTexts are kept). */
export async function holdText(store: Store, record: VerificationRecord, text: HeldText): Promise<boolean> {
  let kept = false;
  await store.update<VerificationRecord>('room-verification', record.accountSid, record.sid, (current) => {
    kept = current.held.length < VERIFICATION.heldTexts;
    return kept ? { ...current, held: [...current.held, text] } : current;
  });
  return kept;
}

/**
 * Checks a code. Right: the number is verified on the member, and the held texts are handed back
 * (emptied from the record). Wrong: 91171 (attempts left said), the 5th wrong one 91173; none
 * pending or expired: 91172.
 */
export async function checkCode(
  deps: VerificationDeps,
  member: RoomMemberRecord,
  number: string,
  code: string,
): Promise<{ record: VerificationRecord; held: readonly HeldText[] }> {
  const now = deps.runtime.clock.now();
  const existing = await verificationOf(deps.store, member, number);
  const none = () => new RestError(400, 91172, `no code is pending for ${number}: ask for a new one`);
  if (!existing) throw none();
  let outcome: 'right' | 'wrong' | 'exhausted' | 'none' = 'none';
  let held: readonly HeldText[] = [];
  // Bounded before hashing; anything longer than a code is simply wrong.
  const given = code.trim().slice(0, 16);
  const record = await deps.store.update<VerificationRecord>(
    'room-verification',
    member.accountSid,
    existing.sid,
    (c) => {
      if (c.status === 'max-attempts') {
        outcome = 'exhausted';
        return c;
      }
      if (c.status !== 'pending' || now >= c.expiresAt) {
        outcome = 'none';
        return c;
      }
      // Both sides hashed to the same length: the comparison takes the same time whatever was typed.
      const right = timingSafeEqual(Buffer.from(hash(c.salt, given), 'hex'), Buffer.from(c.codeHash, 'hex'));
      if (right) {
        outcome = 'right';
        held = c.held;
        return { ...c, status: 'approved', held: [], updatedAt: now };
      }
      const attempts = c.attempts + 1;
      outcome = attempts >= VERIFICATION.attempts ? 'exhausted' : 'wrong';
      return { ...c, attempts, status: attempts >= VERIFICATION.attempts ? 'max-attempts' : 'pending', updatedAt: now };
    },
  );
  if (!record) throw none();
  switch (outcome as 'right' | 'wrong' | 'exhausted' | 'none') {
    case 'none':
      throw none();
    case 'exhausted':
      throw new RestError(
        429,
        91173,
        `the code for ${number} was tried ${VERIFICATION.attempts} times: ask for a new one`,
      );
    case 'wrong':
      throw new RestError(
        400,
        91171,
        `wrong code for ${number}: ${VERIFICATION.attempts - record.attempts} attempts left`,
      );
    case 'right':
      await deps.store.update<RoomMemberRecord>('room-member', member.accountSid, member.sid, (current) => ({
        ...current,
        verifiedNumbers: [...new Set([...(current.verifiedNumbers ?? []), number])],
        updatedAt: now,
      }));
      return { record, held };
  }
}

/** Whether the member's `number` is verified (and still theirs). */
export function isVerified(member: RoomMemberRecord, number: string): boolean {
  return (member.verifiedNumbers ?? []).includes(number) && member.phones.some((p) => p.number === number);
}
