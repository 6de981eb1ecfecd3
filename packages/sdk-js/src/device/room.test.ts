import { describe, expect, it } from 'vitest';
import type { RoomEntry } from '../protocol/messages.js';
import { Room, type RoomLink } from './room.js';

const entry = (sequence: number, fields: Partial<RoomEntry> = {}): RoomEntry => ({
  sequence,
  kind: 'event',
  type: 'member-updated',
  participantKey: `MB${String(sequence % 2).repeat(32)}`,
  state: 'ringing',
  at: 0,
  ...fields,
});

function roomWithLink() {
  const requests: Array<[string, unknown]> = [];
  const link = {
    request: async (type: string, body: unknown) => {
      requests.push([type, body]);
      return { roomSeq: 7 };
    },
    forget: () => {},
  } as unknown as RoomLink;
  return { room: new Room(link, `RM${'a'.repeat(32)}`), requests };
}

describe('Room', () => {
  it('delivers each entry once, in order, whatever the server sends again', () => {
    const { room } = roomWithLink();
    const seen: number[] = [];
    room.on('entry', (e) => seen.push(e.sequence));
    for (const sequence of [1, 2, 2, 1, 3, 3, 4]) room._entry(entry(sequence));
    expect(seen).toEqual([1, 2, 3, 4]);
    expect(room.lastSequence).toBe(4);
  });

  it('keeps the roster of the current call, and follows again from the last entry delivered', async () => {
    const { room, requests } = roomWithLink();
    await room.subscribe();
    room._entry(entry(1, { type: 'call-started', roomCallSid: `RC${'1'.repeat(32)}`, participantKey: undefined }));
    room._entry(entry(2));
    room._entry(entry(3, { state: 'joined', muted: true }));
    room._entry(entry(4, { state: 'joined' }));
    expect(room.roster.map((m) => [m.state, m.muted])).toEqual([
      ['joined', false],
      ['joined', true],
    ]);
    expect(await room.mute(`MB${'0'.repeat(32)}`)).toBe(7);
    void room._resubscribe();
    expect(requests.map(([type, body]) => [type, (body as { after?: number }).after])).toEqual([
      ['room-subscribe', 0],
      ['room-command', undefined],
      ['room-subscribe', 4],
    ]);
    room._entry(entry(5, { type: 'call-started', roomCallSid: `RC${'2'.repeat(32)}`, participantKey: undefined }));
    expect(room.roster).toEqual([]);
  });

  it("types room-updated changes and a fatal end, and sends a member's own leave", async () => {
    const { room, requests } = roomWithLink();
    const updates: unknown[] = [];
    room.on('room-updated', (update) => updates.push(update));
    const ended: unknown[] = [];
    room.on('call-ended', (reason, error) => ended.push([reason, error]));
    const member = `MB${'3'.repeat(32)}`;
    room._entry(entry(1, { type: 'member-added', memberSid: member, participantKey: undefined }));
    room._entry(
      entry(2, { type: 'room-updated', change: 'settings', fields: ['FriendlyName'], participantKey: undefined }),
    );
    room._entry(
      entry(3, { type: 'room-updated', change: 'member-removed', memberSid: member, participantKey: undefined }),
    );
    room._entry(entry(4, { type: 'call-ended', reason: 'fatal-error', errorCode: 91180, errorMessage: 'gone' }));
    room._entry(entry(5, { type: 'call-ended', reason: 'empty' }));
    expect(updates).toEqual([
      { change: 'member-added', fields: [], memberSid: member },
      { change: 'settings', fields: ['FriendlyName'], memberSid: undefined },
      { change: 'member-removed', fields: [], memberSid: member },
    ]);
    expect(ended).toEqual([
      ['fatal-error', { code: 91180, message: 'gone' }],
      ['empty', undefined],
    ]);
    await room.leaveCall();
    await room.leaveRoom();
    expect(requests.map(([, body]) => (body as { command: { type: string } }).command.type)).toEqual([
      'leave-call',
      'leave-room',
    ]);
  });

  it('sends chat messages as room commands and emits each message once', async () => {
    const { room, requests } = roomWithLink();
    const to = [`MB${'b'.repeat(32)}`];
    expect(await room.send('hi', { to, mediaUrls: ['https://example.com/a.png'] })).toBe(7);
    expect(requests).toEqual([
      [
        'room-command',
        { room: room.sid, command: { type: 'send', body: 'hi', to, mediaUrls: ['https://example.com/a.png'] } },
      ],
    ]);
    const messages: unknown[] = [];
    room.on('message', (m) => messages.push(m));
    const message = { sid: `RT${'c'.repeat(32)}`, author: 'Ann', body: 'hi', mediaUrls: [], source: 'app' as const };
    const sid = message.sid;
    room._entry(entry(1, { type: 'message', messageSid: sid, message, participantKey: undefined, at: 5 }));
    room._entry(entry(1, { type: 'message', messageSid: sid, message, participantKey: undefined, at: 5 }));
    // A message the server no longer keeps: the entry only (the app can list the history).
    room._entry(entry(2, { type: 'message', messageSid: `RT${'d'.repeat(32)}`, participantKey: undefined }));
    expect(messages).toEqual([{ ...message, sequence: 1, at: 5 }]);
  });
});
