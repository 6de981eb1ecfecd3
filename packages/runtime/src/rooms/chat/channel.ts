/**
 * The chat on the control channel (docs/rooms.md, Chat): who a message entry is shown to (a
 * private message only to the sessions of its recipients and its author; messages of the account
 * itself, private ones included, to tokens that may command the room), the message attached to
 * its entry, and `send` from a session: as the token's member (no organizer grant needed in one's
 * own room), or as the organizer/account for a token that is no member but may command the room.
 *
 * @example
 * const view = await chatView(chat, store, holder, room);
 * if (view.shows(record)) push(view.entry(record));
 */
import type { RoomCommand as ChannelCommand, RoomEntry, RoomMessage } from '@patchbay/sdk/protocol';
import { DeviceError } from '@patchbay/sdk/protocol';
import { mayCommand, type RoomsAccess } from '../../bridge/room-grant.js';
import type { Store } from '../../store/types.js';
import type { RoomEventRecord } from '../call/audit.js';
import { roomMembers } from '../members.js';
import type { RoomRecord } from '../records.js';
import type { RoomChat } from './chat.js';
import type { RoomMessageRecord } from './records.js';

export interface ChatHolder {
  readonly identity: string;
  readonly rooms?: RoomsAccess | undefined;
}

export function messageOf(record: RoomMessageRecord): RoomMessage {
  return {
    sid: record.sid,
    ...(record.from ? { from: record.from } : {}),
    author: record.author,
    body: record.body,
    mediaUrls: [...record.mediaUrls],
    ...(record.to ? { to: [...record.to] } : {}),
    source: record.source,
  };
}

/** A session's view of a room's chat: its member SIDs in the room, kept current as members are added. */
export class ChatView {
  #mine: ReadonlySet<string>;
  #reloading: Promise<void> | undefined;
  #again = false;

  private constructor(
    private readonly chat: RoomChat | undefined,
    private readonly store: Store,
    private readonly holder: ChatHolder,
    private readonly room: RoomRecord,
    mine: ReadonlySet<string>,
  ) {
    this.#mine = mine;
  }

  static async of(chat: RoomChat | undefined, store: Store, holder: ChatHolder, room: RoomRecord): Promise<ChatView> {
    return new ChatView(chat, store, holder, room, await ChatView.#members(store, holder, room));
  }

  static async #members(store: Store, holder: ChatHolder, room: RoomRecord): Promise<ReadonlySet<string>> {
    const members = await roomMembers(store, room);
    return new Set(members.filter((m) => m.identity === holder.identity).map((m) => m.sid));
  }

  /** A member added with this session's identity sees the private messages to them from then on (one reload at a time). */
  #reload(): void {
    if (this.#reloading) {
      this.#again = true;
      return;
    }
    this.#reloading = ChatView.#members(this.store, this.holder, this.room)
      .then(
        (mine) => {
          this.#mine = mine;
        },
        () => undefined,
      )
      .finally(() => {
        this.#reloading = undefined;
        if (this.#again) {
          this.#again = false;
          this.#reload();
        }
      });
  }

  /** Whether the session sees this entry (every entry but private messages not for it). */
  shows(record: RoomEventRecord): boolean {
    if (record.type === 'member-added') this.#reload();
    if (record.type !== 'message' || !record.members) return true;
    if (!record.memberSid) return mayCommand(this.holder.rooms, this.room.sid);
    return [record.memberSid, ...record.members].some((sid) => this.#mine.has(sid));
  }

  /** Loads the messages of entries about to be replayed, so `entry` can attach them. */
  async load(records: readonly RoomEventRecord[]): Promise<void> {
    const sids = records.flatMap((r) => (r.type === 'message' && r.messageSid ? [r.messageSid] : []));
    await this.chat?.load(this.room.accountSid, sids);
  }

  /** The entry with its message attached (left out if the message is no longer kept). */
  attach(entry: RoomEntry): RoomEntry {
    if (entry.type !== 'message' || !entry.messageSid) return entry;
    const message = this.chat?.recent(entry.messageSid);
    return message ? { ...entry, message: messageOf(message) } : entry;
  }
}

/** Posts a channel `send` for the holder; resolves with the message's sequence number in the room's log. */
export async function sendFrom(
  chat: RoomChat | undefined,
  store: Store,
  holder: ChatHolder,
  room: RoomRecord,
  command: Extract<ChannelCommand, { type: 'send' }>,
): Promise<number> {
  if (!chat) throw new DeviceError('TemporarilyUnavailable', 'the chat does not run on this server');
  const member = (await roomMembers(store, room)).find((m) => m.identity === holder.identity);
  if (!member && !mayCommand(holder.rooms, room.sid))
    throw new DeviceError('RoomCommandForbidden', `this token is no member of room ${room.sid} and may not command it`);
  const posted = await chat.post(room, {
    body: command.body,
    mediaUrls: command.mediaUrls ?? [],
    ...(command.to ? { to: command.to } : {}),
    ...(member ? { from: member.sid } : {}),
    source: 'app',
  });
  return posted.sequence ?? 0;
}
