/**
 * A room's phone number: one of the account's own that nothing else uses (no voice or SMS URL, no
 * application, no other room), claimed with an atomic update of the number record, so two rooms
 * created at the same moment never share one; released (free again) when the room is deleted.
 *
 * @example
 * const number = await claimNumber(store, account.sid, room.sid, now); // RestError 91101 when none is free
 * await releaseNumber(store, account.sid, number.sid, room.sid, now);
 */

import { RestError } from '../api/http.js';
import type { NumberRecord } from '../api/resources/numbers.js';
import type { Store } from '../store/types.js';

const PAGE = 1000;

/** Whether anything routes the number's calls or messages already. */
export function numberInUse(number: NumberRecord): boolean {
  return Boolean(
    number.roomSid || number.voiceUrl || number.voiceApplicationSid || number.smsUrl || number.smsApplicationSid,
  );
}

class Taken extends Error {}

export async function claimNumber(
  store: Store,
  accountSid: string,
  roomSid: string,
  now: number,
): Promise<NumberRecord> {
  for (let page = 0; ; page++) {
    const { items, more } = await store.list<NumberRecord>('number', { accountSid, page, pageSize: PAGE });
    for (const candidate of items.filter((number) => !numberInUse(number))) {
      try {
        const claimed = await store.update<NumberRecord>('number', accountSid, candidate.sid, (current) => {
          if (numberInUse(current)) throw new Taken();
          return { ...current, roomSid, updatedAt: now };
        });
        if (claimed) return claimed;
      } catch (error) {
        if (!(error instanceof Taken)) throw error;
      }
    }
    if (!more)
      throw new RestError(
        409,
        91101,
        'every phone number of the account is in use: add one (IncomingPhoneNumbers) or free one, then create the room',
      );
  }
}

/** The number is the account's to use again (unless someone else took it meanwhile). */
export async function releaseNumber(
  store: Store,
  accountSid: string,
  numberSid: string,
  roomSid: string,
  now: number,
): Promise<void> {
  await store.update<NumberRecord>('number', accountSid, numberSid, (current) => {
    if (current.roomSid !== roomSid) return current;
    const { roomSid: _released, ...rest } = current;
    return { ...rest, updatedAt: now };
  });
}
