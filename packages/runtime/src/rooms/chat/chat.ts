/**
 * The room's chat (docs/rooms.md, Chat): a message posted by REST, a member's app or a text is
 * checked (content, membership, the account's policy, the room's rate), stored with the SMS it
 * owes phone members, entered in the room's audit log (without its text: the history holds it),
 * posted to the room's status callback, and relayed (relay.ts). The app event is the log entry:
 * the control channel pushes it with the message attached, private ones only to their recipients.
 *
 * Who gets an SMS: every member it is meant for (everyone, or the `to` subset), except its author,
 * members who opted out (STOP), members without a number, and members whose app is online (they
 * get the app event, as a one-tap call invites an online app rather than ringing the phone).
 *
 * @example
 * const chat = new RoomChat({ store, runtime, audit });
 * const message = await chat.post(room, { from: 'MB...', body: 'Running late', mediaUrls: [], source: 'app' });
 */
import { RestError } from '../../api/http.js';
import type { Bus } from '../../cluster/bus.js';
import type { Runtime } from '../../runtime.js';
import { newSid } from '../../sid.js';
import type { Store } from '../../store/types.js';
import type { RoomAudit } from '../call/audit.js';
import { displayName } from '../contacts.js';
import { roomMembers } from '../members.js';
import { memberNumber } from '../notify.js';
import { onlineIdentities } from '../online.js';
import { roomPolicy } from '../policy.js';
import type { RoomMemberRecord, RoomRecord } from '../records.js';
import { Serial } from '../serial.js';
import { type Content, checkContent } from './content.js';
import { RateLimits, type RoomRates, StoredRateLimits } from './rate.js';
import { CHAT_LIMITS, type ChatDelivery, type MessageSource, messageSid, type RoomMessageRecord } from './records.js';
import { ChatRelay } from './relay.js';

export interface ChatDeps {
  readonly store: Store;
  readonly runtime: Runtime;
  readonly audit?: RoomAudit | undefined;
  /** Messages kept per room. @default CHAT_LIMITS.keptPerRoom */
  readonly keep?: number;
  /** In a cluster: the room's rate is kept on its record, for every node (rate.ts). */
  readonly bus?: Bus | undefined;
}

export interface NewMessage extends Content {
  /** The member writing; absent: the room's organizer, or the account when it has none. */
  readonly from?: string | undefined;
  readonly source: MessageSource;
}

const notMember = (field: string, sid: string) =>
  new RestError(400, 91161, `${field}: ${sid} is not a member of this room`);

export class RoomChat {
  readonly relay: ChatRelay;
  readonly #rates: RoomRates;
  readonly #turns = new Serial();
  /** The newest messages posted in this process, by SID: the control channel attaches them to live entries. */
  readonly #recent = new Map<string, RoomMessageRecord>();

  constructor(private readonly deps: ChatDeps) {
    this.relay = new ChatRelay(deps);
    const now = () => deps.runtime.clock.now();
    this.#rates = deps.bus
      ? new StoredRateLimits(deps.store, now, CHAT_LIMITS.burst, CHAT_LIMITS.refillMs)
      : new RateLimits(now, CHAT_LIMITS.burst, CHAT_LIMITS.refillMs);
  }

  /** Checks, stores and relays a message; resolves once it is stored and in the room's log. */
  async post(room: RoomRecord, message: NewMessage): Promise<RoomMessageRecord> {
    checkContent(message);
    const { store } = this.deps;
    const members = await roomMembers(store, room);
    const bySid = new Map(members.map((m) => [m.sid, m]));
    const author = message.from ? bySid.get(message.from) : members.find((m) => m.role === 'organizer');
    if (message.from && !author) throw notMember('From', message.from);
    const to = message.to ? [...new Set(message.to)] : undefined;
    for (const sid of to ?? []) if (!bySid.has(sid)) throw notMember('To', sid);
    await this.#allowed(room, author, message);
    const wait = await this.#rates.take(room);
    if (wait > 0)
      throw new RestError(
        429,
        91162,
        `room ${room.sid} takes ${CHAT_LIMITS.burst} messages at once, then one a second: try again shortly`,
        { 'Retry-After': String(Math.ceil(wait / 1000)) },
      );
    const now = this.deps.runtime.clock.now();
    const record: RoomMessageRecord = {
      sid: messageSid(now),
      accountSid: room.accountSid,
      createdAt: now,
      roomSid: room.sid,
      ...(author ? { from: author.sid } : {}),
      author: author ? displayName(author) : room.friendlyName,
      body: message.body,
      mediaUrls: [...message.mediaUrls],
      ...(to ? { to } : {}),
      source: message.source,
      deliveries: await this.#deliveries(room, members, author, to),
      relay: 'pending',
      ...(this.deps.bus ? { node: this.deps.bus.nodeId } : {}),
    };
    return this.#turns.run(room.sid, async () => {
      await store.put('room-message', record);
      this.#remember(record);
      await this.#trim(room);
      return this.relay.run(record);
    });
  }

  /** A message posted lately (this process), if it still knows it. */
  recent(sid: string): RoomMessageRecord | undefined {
    return this.#recent.get(sid);
  }

  /** Loads messages into the recent ones (the control channel's replay attaches them). */
  async load(accountSid: string, sids: readonly string[]): Promise<void> {
    for (const sid of sids) {
      if (this.#recent.has(sid)) continue;
      const record = await this.deps.store.get<RoomMessageRecord>('room-message', accountSid, sid);
      if (record) this.#remember(record);
    }
  }

  /** Whether the account's policy lets this author post this (the organizer and the account always may). */
  async #allowed(room: RoomRecord, author: RoomMemberRecord | undefined, message: NewMessage): Promise<void> {
    if (!author || author.role === 'organizer') return;
    const policy = await roomPolicy(this.deps.store, room.accountSid);
    if (!policy.membersMayChat)
      throw new RestError(403, 91107, "the account's room policy does not let members chat (MembersMayChat)");
    if (message.mediaUrls.length > 0 && !policy.membersMaySendMedia)
      throw new RestError(
        403,
        91107,
        "the account's room policy does not let members send media (MembersMaySendMedia)",
      );
  }

  async #deliveries(
    room: RoomRecord,
    members: readonly RoomMemberRecord[],
    author: RoomMemberRecord | undefined,
    to: readonly string[] | undefined,
  ): Promise<ChatDelivery[]> {
    const meant = to ? new Set(to) : undefined;
    const inApp = await onlineIdentities(this.deps.runtime.devices, room.accountSid, members);
    return members.flatMap((member): ChatDelivery[] => {
      if (member === author || member.optedOut || (meant && !meant.has(member.sid))) return [];
      const number = memberNumber(member);
      const online = member.identity !== undefined && inApp.has(member.identity);
      if (!number || online) return [];
      return [{ memberSid: member.sid, to: number, messageSid: newSid('SM') }];
    });
  }

  #remember(record: RoomMessageRecord): void {
    this.#recent.delete(record.sid);
    this.#recent.set(record.sid, record);
    for (const sid of this.#recent.keys()) {
      if (this.#recent.size <= CHAT_LIMITS.keptPerRoom) break;
      this.#recent.delete(sid);
    }
  }

  /** Past the messages a room keeps, the oldest go. */
  async #trim(room: RoomRecord): Promise<void> {
    for (;;) {
      const page = await this.deps.store.list<RoomMessageRecord>('room-message', {
        accountSid: room.accountSid,
        where: { roomSid: room.sid },
        page: this.deps.keep ?? CHAT_LIMITS.keptPerRoom,
        pageSize: 1,
      });
      const oldest = page.items[0];
      if (!oldest) return;
      await this.deps.store.delete('room-message', room.accountSid, oldest.sid);
    }
  }

  /** A deleted room's messages go with it. */
  purge(room: Pick<RoomRecord, 'sid' | 'accountSid'>): Promise<void> {
    return this.#turns.run(room.sid, async () => {
      for (;;) {
        const page = await this.deps.store.list<RoomMessageRecord>('room-message', {
          accountSid: room.accountSid,
          where: { roomSid: room.sid },
          page: 0,
          pageSize: 500,
        });
        for (const message of page.items) await this.deps.store.delete('room-message', room.accountSid, message.sid);
        if (!page.more) return;
      }
    });
  }
}
