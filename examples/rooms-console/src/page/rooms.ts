/**
 * The rooms list (each with its picture, name, number and whether a call runs) and the form
 * that creates one: Patchbay assigns the new room a free number of the account's, shown at once,
 * and the organizer is added as the room's organizer (rung first and always).
 *
 * @example
 * const rooms = new RoomsPanel(session, (room) => open(room));
 * await rooms.load();
 */
import type { RoomInstance } from '@patchbay/sdk/client';
import { announce, avatar, byId, Drawer, make } from './dom.js';
import type { Session } from './session.js';
import { UserError } from './words.js';

export class RoomsPanel {
  rooms: RoomInstance[] = [];
  selected: string | undefined;
  readonly #list = byId<HTMLUListElement>('room-list');
  readonly #drawer = new Drawer('room', 'new-room', () => this.#create());
  readonly #name = byId<HTMLInputElement>('room-name');
  readonly #avatar = byId<HTMLInputElement>('room-avatar');

  constructor(
    private readonly session: Session,
    private readonly select: (room: RoomInstance) => void,
  ) {}

  async load(): Promise<void> {
    this.rooms = await this.session.client.rooms.list({ limit: 100 });
    this.render();
  }

  /** A room changed (renamed, a call started or ended): shown again from the server. */
  async reload(sid: string): Promise<RoomInstance | undefined> {
    const fresh = await this.session.client.rooms.get(sid);
    this.replace(fresh);
    return fresh;
  }

  /** The room as the server holds it now, in its place in the list. */
  replace(fresh: RoomInstance): void {
    this.rooms = this.rooms.map((room) => (room.sid === fresh.sid ? fresh : room));
    this.render();
  }

  /** A room deleted: out of the list. */
  drop(sid: string): void {
    this.rooms = this.rooms.filter((room) => room.sid !== sid);
    if (this.selected === sid) this.selected = undefined;
    this.render();
  }

  render(): void {
    byId('rooms-empty').hidden = this.rooms.length > 0;
    this.#list.replaceChildren(
      ...this.rooms.map((room) => {
        const button = make(
          'button',
          { type: 'button', class: 'room-item', 'data-sid': room.sid },
          avatar(room.friendlyName, room.avatarUrl),
          make(
            'span',
            { class: 'room-text' },
            make('span', { class: 'room-name' }, room.friendlyName),
            make('span', { class: 'number' }, room.phoneNumber),
          ),
          ...(room.callInProgress ? [make('span', { class: 'badge live small' }, 'Live')] : []),
        );
        if (room.sid === this.selected) button.setAttribute('aria-current', 'page');
        button.onclick = () => this.select(room);
        return make('li', {}, button);
      }),
    );
  }

  async #create(): Promise<void> {
    const { client, organizer } = this.session;
    const friendlyName = this.#name.value.trim();
    const avatarUrl = this.#avatar.value.trim();
    try {
      if (!friendlyName) throw new UserError('Give the room a name.');
      const room = await client.rooms.create({ friendlyName, ...(avatarUrl ? { avatarUrl } : {}) });
      // The organizer is the room's first member: rung first, and the call ends when they leave.
      await client.rooms.members(room.sid).create({
        firstName: organizer.firstName,
        lastName: organizer.lastName,
        identity: organizer.identity,
        phoneNumber: organizer.phoneNumber,
        role: 'organizer',
      });
      // The token's grant names rooms one by one: this one is in the next token.
      await this.session.refresh();
      this.rooms = [room, ...this.rooms];
      this.#drawer.done();
      announce(`Room ${room.friendlyName} created. Its number is ${room.phoneNumber}.`);
      this.select(room);
    } catch (error) {
      this.#drawer.error(error);
      this.#name.focus();
    }
  }
}
