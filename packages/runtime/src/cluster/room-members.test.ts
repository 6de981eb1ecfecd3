/**
 * Room members across nodes (rooms/members.ts): the same person added through two nodes at the
 * same instant is stored once, the adds merged into one member.
 */
import { describe, expect, it } from 'vitest';
import { addNumbers, roomsRequest } from '../api/rooms.test-support.js';
import type { RoomMemberRecord } from '../rooms/records.js';
import type { BusKind } from './conferences.test-support.js';
import { type RestNode, restNodesPerTest } from './rest-nodes.test-support.js';

const startNodes = restNodesPerTest();

describe.each<BusKind>(['in-process', 'redis'])('room members across nodes (%s bus)', (kind) => {
  it('the same person added through two nodes at once is one member, with what each add brought', async () => {
    const [a, b] = (await startNodes(kind, ['node-a', 'node-b'])) as [RestNode, RestNode];
    // Every read of the members takes a moment, as on a busy database: both adds look before either stores.
    const list = a.store.list.bind(a.store);
    a.store.list = async (recordKind, query) => {
      const page = await list(recordKind, query);
      if (recordKind === 'room-member') await new Promise((resolve) => setTimeout(resolve, 20));
      return page as never;
    };
    await addNumbers(a, '+15550320900');
    const room = (await roomsRequest(a, 'POST', 'Rooms', { FriendlyName: 'Crew' })).json.sid as string;
    const answers = await Promise.all([
      roomsRequest(a, 'POST', `Rooms/${room}/Members`, { PhoneNumber: '+15550320001', FirstName: 'Kim' }),
      roomsRequest(b, 'POST', `Rooms/${room}/Members`, { PhoneNumber: '+15550320001', Identity: 'kim' }),
    ]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 201]);
    const stored = (
      await a.store.list<RoomMemberRecord>('room-member', {
        accountSid: a.account.sid,
        where: { roomSid: room },
        page: 0,
        pageSize: 10,
      })
    ).items;
    expect(stored.map((member) => [member.firstName, member.identity, member.phones.map((p) => p.number)])).toEqual([
      ['Kim', 'kim', ['+15550320001']],
    ]);
  });
});
