/** Conference rooms of one runtime: one live room per name, ended rooms kept for listing. */
import { Conference, type ConferenceServices, type ConferenceSnapshot, type RoomSettings } from './conference.js';

export class ConferenceRegistry {
  private readonly live = new Map<string, Conference>();
  private readonly all = new Map<string, Conference>();

  constructor(private readonly services: Omit<ConferenceServices, 'onEnd'>) {}

  /** The live room with this name; created with `settings` when there is none. */
  open(name: string, settings: RoomSettings): Conference {
    let room = this.live.get(name);
    if (!room) {
      room = new Conference(name, settings, {
        ...this.services,
        onEnd: (ended) => this.live.delete(ended.friendlyName),
      });
      this.live.set(name, room);
      this.all.set(room.sid, room);
    }
    return room;
  }

  get(sid: string): Conference | undefined {
    return this.all.get(sid);
  }

  /** The live room with this name. */
  named(name: string): Conference | undefined {
    return this.live.get(name);
  }

  list(filter: { status?: ConferenceSnapshot['status']; friendlyName?: string } = {}): ConferenceSnapshot[] {
    return [...this.all.values()]
      .map((room) => room.snapshot())
      .filter(
        (room) =>
          (filter.status === undefined || room.status === filter.status) &&
          (filter.friendlyName === undefined || room.friendlyName === filter.friendlyName),
      );
  }
}
