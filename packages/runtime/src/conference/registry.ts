/**
 * Conference rooms of one runtime: one live room per account and name. Ended rooms stay listed
 * up to a bound (the most recent `keepEnded`), so a long-running server does not grow without
 * limit; a store keeps the full history (see `persistRuntime`).
 */
import { Conference, type ConferenceServices, type ConferenceSnapshot, type RoomSettings } from './conference.js';
import type { ConferencePlacement } from './seat.js';

type Account = { readonly sid: string; readonly authToken: string };

export class ConferenceRegistry {
  private readonly live = new Map<string, Conference>();
  private readonly all = new Map<string, Conference>();
  private readonly ended: string[] = [];
  /** In a cluster: where rooms are placed (cluster/conferences.ts); absent, every room is here. */
  placement: ConferencePlacement | undefined;

  /** @param keepEnded ended rooms kept in memory @default 1000 */
  constructor(
    private readonly services: Omit<ConferenceServices, 'onEnd'>,
    private readonly keepEnded = 1000,
  ) {}

  /** The account's live room with this name; created with `settings` when there is none. */
  open(account: Account, name: string, settings: RoomSettings): Conference {
    const key = `${account.sid}:${name}`;
    let room = this.live.get(key);
    if (!room) {
      room = new Conference(account, name, settings, { ...this.services, onEnd: (ended) => this.retire(key, ended) });
      this.live.set(key, room);
      this.all.set(room.sid, room);
    }
    return room;
  }

  private retire(key: string, room: Conference): void {
    if (this.live.get(key) === room) this.live.delete(key);
    this.ended.push(room.sid);
    while (this.ended.length > this.keepEnded) this.all.delete(this.ended.shift() as string);
  }

  /** A room by SID, only within `accountSid` when given. */
  get(sid: string, accountSid?: string): Conference | undefined {
    const room = this.all.get(sid);
    return room && (accountSid === undefined || room.account.sid === accountSid) ? room : undefined;
  }

  /** The account's live room with this name. */
  named(accountSid: string, name: string): Conference | undefined {
    return this.live.get(`${accountSid}:${name}`);
  }

  list(
    filter: { accountSid?: string; status?: ConferenceSnapshot['status']; friendlyName?: string } = {},
  ): ConferenceSnapshot[] {
    return [...this.all.values()]
      .filter((room) => filter.accountSid === undefined || room.account.sid === filter.accountSid)
      .map((room) => room.snapshot())
      .filter(
        (room) =>
          (filter.status === undefined || room.status === filter.status) &&
          (filter.friendlyName === undefined || room.friendlyName === filter.friendlyName),
      );
  }
}
