/**
 * For the chat's in-process tests: a room record on `number`, stored in the harness's store,
 * without going through REST (the relay and the bounds are tested on their own).
 */
import type { ApiHarness } from '../../api/harness.test-support.js';
import { defaultRoomSettings, type RoomRecord } from '../records.js';

export async function storedRoom(harness: ApiHarness, digit: string, number: string): Promise<RoomRecord> {
  const room: RoomRecord = {
    ...defaultRoomSettings(),
    sid: `RM${digit.repeat(32)}`,
    accountSid: harness.account.sid,
    createdAt: 0,
    updatedAt: 0,
    friendlyName: 'Crew',
    phoneNumber: number,
    phoneNumberSid: `PN${digit.repeat(32)}`,
  };
  await harness.store.put('room', room);
  return room;
}
