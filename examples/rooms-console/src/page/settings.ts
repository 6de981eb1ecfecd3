/**
 * The open room's settings drawer: its name and picture, and how its calls behave (end when the
 * organizer hangs up, how long one person may be left alone, the longest call, the member limit,
 * whether members may start or schedule calls, what happens when someone who is no member calls).
 * Only what changed is sent, so a value the form shows rounded (seconds as minutes) is kept as it
 * is. Deleting the room is asked once more, and refused while its call runs (91102, in words).
 *
 * @example
 * const settings = new SettingsPanel(session, { current, saved, deleted });
 */
import type { RoomInstance } from '@patchbay/sdk/client';
import { announce, askAgain, byId, Drawer, make } from './dom.js';
import type { Session } from './session.js';
import { UserError } from './words.js';

type RoomParams = Parameters<Session['client']['rooms']['update']>[1];

export interface SettingsHost {
  /** The room open now. */
  current(): RoomInstance | undefined;
  saved(room: RoomInstance): void;
  deleted(room: RoomInstance): Promise<void>;
}

const input = (id: string) => byId<HTMLInputElement>(`settings-${id}`);
const minutes = (seconds: number) => String(Math.max(1, Math.round(seconds / 60)));

/** A whole number from the form, or a problem naming the field (the server checks the range). */
function whole(id: string, label: string): number {
  const text = input(id).value.trim();
  if (!/^\d+$/.test(text)) throw new UserError(`${label}: write a whole number.`);
  return Number(text);
}

export class SettingsPanel {
  readonly #drawer = new Drawer(
    'settings',
    'room-settings',
    () => this.#save(),
    () => this.#fill(),
  );
  readonly #ask = byId('delete-ask');

  constructor(
    private readonly session: Session,
    private readonly host: SettingsHost,
  ) {
    this.#askButton();
  }

  /** Another room opened: the drawer closes (without moving the focus). */
  reset(): void {
    if (this.#drawer.isOpen) this.#drawer.close();
    this.#askButton();
  }

  #fill(): void {
    const room = this.host.current();
    if (!room) return;
    this.#drawer.error(undefined);
    this.#askButton();
    input('name').value = room.friendlyName;
    input('avatar').value = room.avatarUrl ?? '';
    input('inactivity').value = minutes(room.inactivityTimeout);
    input('max').value = minutes(room.maxDuration);
    input('limit').value = String(room.memberLimit);
    byId<HTMLSelectElement>('settings-non-members').value = room.nonMembers;
    input('end').checked = room.endWhenOrganizerLeaves;
    input('start').checked = room.membersMayStart;
    input('schedule').checked = room.membersMaySchedule;
  }

  /** What the form says that differs from the room. */
  #changes(room: RoomInstance): RoomParams {
    const changes: RoomParams = {};
    const name = input('name').value.trim();
    if (!name) throw new UserError('Give the room a name.');
    if (name !== room.friendlyName) changes.friendlyName = name;
    const avatar = input('avatar').value.trim();
    if (avatar !== (room.avatarUrl ?? '')) changes.avatarUrl = avatar;
    const inactivity = whole('inactivity', 'Alone for');
    if (String(inactivity) !== minutes(room.inactivityTimeout)) changes.inactivityTimeout = inactivity * 60;
    const max = whole('max', 'Longest call');
    if (String(max) !== minutes(room.maxDuration)) changes.maxDuration = max * 60;
    const limit = whole('limit', 'Member limit');
    if (limit !== room.memberLimit) changes.memberLimit = limit;
    const nonMembers = byId<HTMLSelectElement>('settings-non-members').value as RoomInstance['nonMembers'];
    if (nonMembers !== room.nonMembers) changes.nonMembers = nonMembers;
    const flags = [
      ['end', 'endWhenOrganizerLeaves'],
      ['start', 'membersMayStart'],
      ['schedule', 'membersMaySchedule'],
    ] as const;
    for (const [id, key] of flags) if (input(id).checked !== room[key]) changes[key] = input(id).checked;
    return changes;
  }

  async #save(): Promise<void> {
    const room = this.host.current();
    if (!room) return;
    try {
      const changes = this.#changes(room);
      const saved = Object.keys(changes).length > 0 ? await this.session.client.rooms.update(room.sid, changes) : room;
      this.#drawer.done();
      this.host.saved(saved);
      announce(`Settings of ${saved.friendlyName} saved.`);
    } catch (error) {
      this.#drawer.error(error);
    }
  }

  /** The delete button, as it is before asking. */
  #askButton(): void {
    const button = make('button', { id: 'delete-room', class: 'button small danger', type: 'button' }, 'Delete room…');
    button.onclick = () => this.#confirm();
    this.#ask.replaceChildren(button);
  }

  #confirm(): void {
    const room = this.host.current();
    if (!room) return;
    const { element, yes } = askAgain(
      `Delete ${room.friendlyName} for good?`,
      { text: 'Delete', label: `Yes, delete ${room.friendlyName}`, run: () => void this.#delete(room) },
      () => {
        this.#askButton();
        byId('delete-room').focus();
      },
    );
    this.#ask.replaceChildren(element);
    yes.focus();
  }

  async #delete(room: RoomInstance): Promise<void> {
    try {
      await this.session.client.rooms.remove(room.sid);
      this.#drawer.done();
      await this.host.deleted(room);
      announce(`${room.friendlyName} deleted. Its number ${room.phoneNumber} is free again.`);
    } catch (error) {
      // Refused (a call runs, 91102): said beside the button, which is offered again.
      this.#drawer.error(error);
      this.#askButton();
      byId('delete-room').focus();
    }
  }
}
