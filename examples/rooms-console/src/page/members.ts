/**
 * A room's members: who they are, whether their app is online (live, from the device channel's
 * presence) and how the room reaches them, who opted out; adding (names, number, app user) and
 * removing; choosing some or all of them; and the one tap that rings them (the organizer's phone
 * first when asked), or rings them into the call already running.
 *
 * @example
 * const members = new MembersPanel(session, { start, add });
 * await members.load(room);
 */
import type { PhoneType, Presence, RoomInstance, RoomMemberInstance } from '@patchbay/sdk/client';
import { announce, askAgain, avatar, byId, Drawer, make, showProblem } from './dom.js';
import type { Session } from './session.js';
import { UserError } from './words.js';

/** The number to ring for this call, per member SID (only those chosen other than their usual one). */
export type RingChoice = Record<string, PhoneType>;

export interface Ringing {
  /** One tap: a new call for these members. */
  start(members: string[], organizerPhone: boolean, ringPhone: RingChoice): Promise<unknown>;
  /** Rings these members into the call in progress. */
  add(members: string[], ringPhone: RingChoice): Promise<unknown>;
}

const PHONE_WORDS: Record<PhoneType, string> = { mobile: 'Mobile', work: 'Work', home: 'Home', other: 'Other' };

export class MembersPanel {
  members: RoomMemberInstance[] = [];
  readonly selected = new Set<string>();
  /** For the next call: a number other than their usual one, per member. */
  readonly #ringChoice = new Map<string, PhoneType>();
  /** Whether the room's call runs (the button then rings more people into it). */
  live = false;
  /** Called after each change of the list or the selection. */
  onChange: () => void = () => undefined;
  #room: RoomInstance | undefined;
  readonly #presence = new Map<string, Presence['status']>();
  /** The member whose removal is being asked once more. */
  #confirming: string | undefined;
  readonly #list = byId<HTMLUListElement>('member-list');
  readonly #all = byId<HTMLInputElement>('select-all');
  readonly #tap = byId<HTMLButtonElement>('one-tap');
  readonly #drawer = new Drawer('member', 'add-member', () => this.#add());

  constructor(
    private readonly session: Session,
    private readonly ringing: Ringing,
  ) {
    this.#all.onchange = () => {
      for (const member of this.#callable()) {
        if (this.#all.checked) this.selected.add(member.sid);
        else this.selected.delete(member.sid);
      }
      this.render();
    };
    this.#tap.onclick = () => void this.#ring();
    // An emptied form folds its extra numbers away again.
    this.#drawer.form.addEventListener('reset', () => {
      byId<HTMLDetailsElement>('member-more').open = false;
    });
    session.device.on('presence', (presence) => {
      this.#presence.set(presence.identity, presence.status);
      if (this.members.some((member) => member.identity === presence.identity)) this.render();
    });
  }

  /** Everyone but the organizer (who is always rung) and those who opted out. */
  #callable(): RoomMemberInstance[] {
    return this.members.filter((member) => member.role !== 'organizer' && !member.optedOut);
  }

  nameOf(memberSid: string | null | undefined): string | undefined {
    return this.members.find((member) => member.sid === memberSid)?.displayName;
  }

  async load(room: RoomInstance): Promise<void> {
    if (this.#room?.sid !== room.sid) {
      this.selected.clear();
      this.#ringChoice.clear();
      this.#confirming = undefined;
    }
    this.#room = room;
    this.members = await this.session.client.rooms.members(room.sid).list({ limit: 250 });
    this.render();
    const identities = [...new Set(this.members.flatMap((member) => (member.identity ? [member.identity] : [])))];
    // Live presence for the app users (the list's own presence is as of loading).
    if (identities.length > 0) await this.session.device.subscribe(identities.slice(0, 100)).catch(() => undefined);
  }

  #presenceOf(member: RoomMemberInstance): 'online' | 'offline' | null {
    if (!member.identity) return null;
    return this.#presence.get(member.identity) ?? member.presence;
  }

  /** Their usual number to ring: the one they asked for, else their first. */
  #usual(member: RoomMemberInstance): PhoneType | undefined {
    return (member.phoneNumbers.find((entry) => entry.type === member.ringPhone) ?? member.phoneNumbers[0])?.type;
  }

  #phoneOf(member: RoomMemberInstance) {
    const type = this.#ringChoice.get(member.sid) ?? this.#usual(member);
    return member.phoneNumbers.find((entry) => entry.type === type);
  }

  /** Someone with several numbers: which one the next call rings (their usual one unless chosen). */
  #ringSelect(member: RoomMemberInstance): HTMLSelectElement {
    const select = make('select', { class: 'ring-phone', 'aria-label': `Number to ring for ${member.displayName}` });
    const chosen = this.#phoneOf(member)?.type;
    for (const { type, number } of member.phoneNumbers) {
      const option = make('option', { value: type }, `${PHONE_WORDS[type]} ${number}`);
      option.selected = type === chosen;
      select.append(option);
    }
    select.onchange = () => {
      const type = select.value as PhoneType;
      if (type === this.#usual(member)) this.#ringChoice.delete(member.sid);
      else this.#ringChoice.set(member.sid, type);
      this.render();
      this.#list.querySelector<HTMLSelectElement>(`[data-sid="${member.sid}"] select`)?.focus();
    };
    return select;
  }

  /** How the room reaches them, in words. */
  #reach(member: RoomMemberInstance): string {
    if (member.optedOut) return 'Opted out: texted STOP to the room';
    const phone = this.#phoneOf(member);
    const app = member.identity ? (this.#presenceOf(member) === 'online' ? 'App online' : 'App offline') : undefined;
    // Texts to the room's number reach the chat only from a number proven by a code.
    const verified = phone && member.verifiedNumbers?.includes(phone.number) ? 'texts verified' : undefined;
    return [app, phone ? `Phone ${phone.number}` : undefined, verified].filter(Boolean).join(' · ');
  }

  render(): void {
    const callable = this.#callable();
    for (const sid of this.selected) if (!callable.some((member) => member.sid === sid)) this.selected.delete(sid);
    byId('members-empty').hidden = this.members.some((member) => member.role !== 'organizer');
    byId('room-count').textContent = `${this.members.length} ${this.members.length === 1 ? 'member' : 'members'}`;
    this.#list.replaceChildren(...this.members.map((member) => this.#row(member)));
    this.#all.checked = callable.length > 0 && this.selected.size === callable.length;
    this.#all.indeterminate = this.selected.size > 0 && this.selected.size < callable.length;
    this.#all.disabled = callable.length === 0;
    const count = this.selected.size;
    byId('selected-count').textContent = count ? `${count} of ${callable.length} selected` : '';
    const people = `${count} ${count === 1 ? 'person' : 'people'}`;
    this.#tap.disabled = count === 0;
    this.#tap.textContent = count === 0 ? 'Select who to call' : this.live ? `Ring ${people} now` : `Call ${people}`;
    this.#tap.dataset.mode = this.live ? 'add' : 'start';
    byId<HTMLInputElement>('phone-first').disabled = this.live;
    this.onChange();
  }

  #row(member: RoomMemberInstance): HTMLLIElement {
    const organizer = member.role === 'organizer';
    const presence = this.#presenceOf(member);
    const name = make('span', { class: 'member-name' }, member.displayName);
    if (organizer) name.append(make('span', { class: 'badge' }, 'Organizer'));
    if (member.optedOut) name.append(make('span', { class: 'badge warn' }, 'Opted out'));
    const text = make(
      'span',
      { class: 'member-text' },
      name,
      make('span', { class: 'muted small' }, this.#reach(member)),
    );
    const picture = avatar(member.displayName, member.avatarUrl);
    if (presence) picture.append(make('span', { class: `presence ${presence}` }));
    const row = make('li', { class: 'member', 'data-sid': member.sid, 'data-name': member.displayName });
    if (organizer || member.optedOut) row.append(make('span', { class: 'check-spacer' }));
    else {
      const box = make('input', { type: 'checkbox', 'aria-label': `Select ${member.displayName}` });
      box.checked = this.selected.has(member.sid);
      box.onchange = () => {
        if (box.checked) this.selected.add(member.sid);
        else this.selected.delete(member.sid);
        this.render();
        this.#list.querySelector<HTMLInputElement>(`[data-sid="${member.sid}"] input`)?.focus();
      };
      row.append(box);
    }
    row.append(picture, text);
    if (!organizer && !member.optedOut && member.phoneNumbers.length > 1) row.append(this.#ringSelect(member));
    if (!organizer) {
      const remove = make(
        'button',
        { type: 'button', class: 'icon-button', 'aria-label': `Remove ${member.displayName} from the room` },
        '✕',
      );
      remove.onclick = () => this.#confirm(member);
      // Asked once more: the question stays through re-renders (presence, room changes) until answered.
      row.append(this.#confirming === member.sid ? this.#question(member) : remove);
    }
    return row;
  }

  async #add(): Promise<void> {
    if (!this.#room) return;
    const value = (id: string) => byId<HTMLInputElement>(id).value.trim();
    const fields = {
      firstName: value('member-first'),
      lastName: value('member-last'),
      phoneNumber: value('member-phone'),
      identity: value('member-identity'),
      workNumber: value('member-work'),
      homeNumber: value('member-home'),
      otherNumber: value('member-other'),
    };
    try {
      if (Object.values(fields).every((field) => !field)) throw new UserError('Give at least a name and a number.');
      const known = new Set(this.members.map((member) => member.sid));
      // Only the fields filled in (an empty one would clear what a merged member had).
      const given = Object.fromEntries(Object.entries(fields).filter(([, field]) => field));
      const member = await this.session.client.rooms.members(this.#room.sid).create(given);
      // The form stays open for the next person.
      this.#drawer.form.reset();
      this.#drawer.error(undefined);
      byId<HTMLInputElement>('member-first').focus();
      await this.load(this.#room);
      announce(
        known.has(member.sid)
          ? `${member.displayName} was already a member: their details were merged.`
          : `${member.displayName} added.`,
      );
    } catch (error) {
      this.#drawer.error(error);
    }
  }

  /** Removing someone is asked once more, in the row itself: Remove, or Keep. */
  #confirm(member: RoomMemberInstance): void {
    this.#confirming = member.sid;
    this.render();
    this.#list.querySelector<HTMLElement>(`[data-sid="${member.sid}"] .confirm .danger`)?.focus();
  }

  #question(member: RoomMemberInstance): HTMLElement {
    return askAgain(
      `Remove ${member.displayName}?`,
      { text: 'Remove', label: `Yes, remove ${member.displayName}`, run: () => void this.#remove(member) },
      () => {
        this.#confirming = undefined;
        this.render();
        this.#list.querySelector<HTMLElement>(`[data-sid="${member.sid}"] .icon-button`)?.focus();
      },
    ).element;
  }

  async #remove(member: RoomMemberInstance): Promise<void> {
    if (!this.#room) return;
    try {
      await this.session.client.rooms.members(this.#room.sid).remove(member.sid);
      this.selected.delete(member.sid);
      this.#confirming = undefined;
      await this.load(this.#room);
      announce(`${member.displayName} removed from the room.`);
      this.#drawer.opener.focus();
    } catch (error) {
      showProblem(error);
    }
  }

  async #ring(): Promise<void> {
    const members = [...this.selected];
    if (members.length === 0) return;
    this.#tap.disabled = true;
    try {
      const ringPhone = Object.fromEntries([...this.#ringChoice].filter(([sid]) => this.selected.has(sid)));
      if (this.live) await this.ringing.add(members, ringPhone);
      else await this.ringing.start(members, byId<HTMLInputElement>('phone-first').checked, ringPhone);
      showProblem(undefined);
      this.selected.clear();
      // The choice was for this call: the next one rings their usual numbers.
      for (const sid of members) this.#ringChoice.delete(sid);
    } catch (error) {
      showProblem(error);
    } finally {
      this.render();
    }
  }
}
