/**
 * The open room followed as it changes elsewhere (another organizer's app, the REST API, a member
 * leaving by themselves, a STOP texted to its number): the device channel `Room`'s `room-updated`.
 * Its settings are read again for the header and the rooms list, its members for their list; a
 * burst (subscribing replays the room's earlier changes too) is read once.
 *
 * @example
 * followChanges(control, { settings: rereadRoom, members: rereadMembers }, showProblem);
 */
import type { Room } from '@patchbay/sdk/client';

export interface Rereads {
  settings(): Promise<void>;
  members(): Promise<void>;
}

/** Changes closer together than this are read once. */
const BURST_MS = 150;

export function followChanges(room: Room, reread: Rereads, failed: (error: unknown) => void): void {
  const once = (work: () => Promise<void>) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    return () => {
      clearTimeout(timer);
      timer = setTimeout(() => void work().catch(failed), BURST_MS);
    };
  };
  const settings = once(() => reread.settings());
  const members = once(() => reread.members());
  room.on('room-updated', (update) => (update.change === 'settings' ? settings() : members()));
}
