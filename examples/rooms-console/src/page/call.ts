/**
 * The live call: its roster (each person's state changing as the room's events arrive over the
 * device channel: ringing, joined, declined, busy, no answer, left, muted), a running timer, and
 * the organizer's controls (mute or unmute one, remove one, end for all), sent as the `Room`'s
 * commands. The REST roster gives names, addresses and the start time when a room is opened; the
 * events keep it current.
 *
 * The timer counts from the call's start on the server's clock; a browser whose clock differs
 * learns the difference from the events' times as they arrive.
 *
 * @example
 * const call = new LiveCall((sid) => members.nameOf(sid));
 * call.follow(device.room(sid), snapshot);
 */
import type { Room, RoomCallInstance, RoomMember } from '@patchbay/sdk/client';
import { announce, byId, make, showProblem } from './dom.js';
import { END_WORDS, formatDuration, STATE_WORDS } from './words.js';

interface Row {
  key: string;
  memberSid: string | null;
  name: string;
  address: string;
  role: 'organizer' | 'member' | 'guest';
  state: string;
  muted: boolean;
}

/** States in which a person can still be taken out of the call. */
const REMOVABLE = new Set(['waiting', 'ringing', 'joined']);

export class LiveCall {
  readonly #rows = new Map<string, Row>();
  #room: Room | undefined;
  #status: 'in-progress' | 'completed' | undefined;
  #started = 0;
  #ended: number | undefined;
  #reason: string | null = null;
  #errorCode: number | null = null;
  /**
   * Bumped by each roster fetch, the call's end and a change of room: a fetch's answer is shown
   * only if nothing bumped it since (under load, one can land after the call ended).
   */
  #asked = 0;
  /** The server's clock minus the browser's, as the latest live event told. */
  #skew = 0;
  #ticking: ReturnType<typeof setInterval> | undefined;
  readonly #card = byId('call');
  readonly #roster = byId<HTMLUListElement>('roster');
  readonly #timer = byId('call-timer');

  constructor(
    /** A member's name (the room's member list). */
    private readonly nameOf: (memberSid: string | null | undefined) => string | undefined,
    /** The call started or ended: the room's badge and the one-tap button follow. */
    private readonly changed: (live: boolean) => void,
    /** The REST roster, for people the events name that the page does not know yet. */
    private readonly fetchRoster: () => Promise<RoomCallInstance | undefined>,
  ) {
    byId('end-call').onclick = () => void this.#command((room) => room.end(), 'Ending the call for everyone.');
  }

  get live(): boolean {
    return this.#status === 'in-progress';
  }

  /** Follows a room's call: the snapshot (or none), then its events. */
  follow(room: Room, snapshot: RoomCallInstance | undefined): void {
    this.#asked++;
    this.#room = room;
    this.#show(snapshot);
    room.on('entry', (entry) => {
      // Live entries tell how far the server's clock is from this browser's.
      if (Math.abs(Date.now() - entry.at) < 24 * 3_600_000) this.#skew = entry.at - Date.now();
    });
    room.on('call-started', () => void this.#refresh());
    room.on('member', (member) => this.#update(member));
    room.on('call-ended', (reason, error) => {
      this.#asked++;
      this.#status = 'completed';
      this.#ended = this.#serverNow();
      this.#reason = reason ?? null;
      this.#errorCode = error?.code ?? null;
      this.#render();
      announce(`The call ended. ${this.#endWords()}`);
      this.changed(false);
    });
  }

  /** Stops following (another room was opened). */
  close(): void {
    this.#asked++;
    this.#room = undefined;
    this.#show(undefined);
  }

  #serverNow(): number {
    return Date.now() + this.#skew;
  }

  async #refresh(): Promise<void> {
    const ticket = ++this.#asked;
    try {
      const snapshot = await this.fetchRoster();
      // A newer fetch, the call's end or another room came since: this roster is older than them.
      if (ticket !== this.#asked) return;
      this.#show(snapshot);
    } catch (error) {
      showProblem(error);
    }
  }

  #show(snapshot: RoomCallInstance | undefined): void {
    this.#rows.clear();
    const wasLive = this.live;
    this.#status = snapshot?.status;
    this.#started = snapshot?.dateStarted.getTime() ?? 0;
    this.#ended = snapshot?.dateEnded?.getTime();
    this.#reason = snapshot?.endReason ?? null;
    this.#errorCode = snapshot?.errorCode ?? null;
    for (const person of snapshot?.participants ?? [])
      this.#rows.set(person.key, {
        key: person.key,
        memberSid: person.memberSid,
        name: person.displayName ?? person.address,
        address: person.address,
        role: person.role,
        state: person.state,
        muted: person.muted,
      });
    this.#render();
    if (wasLive !== this.live) {
      if (this.live) announce('The call started: ringing everyone selected.');
      this.changed(this.live);
    }
  }

  #update(member: RoomMember): void {
    const row = this.#rows.get(member.key);
    if (!row) {
      // Someone new (rung into the call, or dialing in): the roster has their name and number.
      void this.#refresh();
      return;
    }
    const before = row.state;
    row.state = member.state;
    const muteChanged = row.muted !== member.muted;
    row.muted = member.muted;
    this.#render();
    if (before !== member.state) announce(`${row.name}: ${STATE_WORDS[member.state] ?? member.state}.`);
    else if (muteChanged) announce(`${row.name} ${member.muted ? 'muted' : 'unmuted'}.`);
  }

  #tick = (): void => {
    const end = this.#ended ?? this.#serverNow();
    this.#timer.textContent = formatDuration(end - this.#started);
  };

  /** Why the call ended, in words (with the code of what failed, when something did). */
  #endWords(): string {
    const words = END_WORDS[this.#reason ?? ''] ?? 'Ended';
    return this.#errorCode ? `${words} (error ${this.#errorCode})` : words;
  }

  #render(): void {
    this.#card.hidden = this.#status === undefined;
    this.#card.dataset.status = this.#status ?? '';
    byId('call-title').textContent = this.live ? 'Live call' : 'Last call';
    byId('call-state').textContent = this.live
      ? `${[...this.#rows.values()].filter((row) => row.state === 'joined').length} in the call`
      : this.#endWords();
    byId('end-call').hidden = !this.live;
    clearInterval(this.#ticking);
    this.#ticking = undefined;
    if (this.#status) {
      this.#tick();
      if (this.live) this.#ticking = setInterval(this.#tick, 250);
    }
    // The keyboard's focus stays on the control it was on when the roster is drawn again.
    const focused = document.activeElement;
    const key = focused instanceof HTMLElement ? focused.closest<HTMLElement>('.person')?.dataset.key : undefined;
    const label = focused?.getAttribute('aria-label');
    this.#roster.replaceChildren(...[...this.#rows.values()].map((row) => this.#item(row)));
    if (key === undefined) return;
    const item = this.#roster.querySelector<HTMLElement>(`[data-key="${key}"]`);
    const again = [...(item?.querySelectorAll<HTMLElement>('button') ?? [])].find(
      (button) => button.getAttribute('aria-label') === label,
    );
    (again ?? item?.querySelector<HTMLElement>('button') ?? byId('end-call')).focus();
  }

  #item(row: Row): HTMLLIElement {
    const name = this.nameOf(row.memberSid) ?? row.name;
    const state = make('span', { class: 'state', 'data-state': row.state }, STATE_WORDS[row.state] ?? row.state);
    const title = make('span', { class: 'member-name' }, name);
    if (row.role === 'organizer') title.append(make('span', { class: 'badge' }, 'Organizer'));
    if (row.role === 'guest') title.append(make('span', { class: 'badge warn' }, 'Not a member'));
    if (row.muted && row.state === 'joined') title.append(make('span', { class: 'badge muted-badge' }, 'Muted'));
    const item = make(
      'li',
      { class: 'person', 'data-key': row.key, 'data-state': row.state, 'data-name': name },
      make('span', { class: 'person-text' }, title, make('span', { class: 'muted small' }, row.address)),
      state,
    );
    if (!this.live) return item;
    const controls = make('span', { class: 'person-controls' });
    if (row.state === 'joined') {
      const mute = make(
        'button',
        {
          type: 'button',
          class: 'button small toggle',
          'aria-pressed': String(row.muted),
          'aria-label': `Mute ${name}`,
        },
        'Mute',
      );
      mute.onclick = () => void this.#command((room) => (row.muted ? room.unmute(row.key) : room.mute(row.key)));
      controls.append(mute);
    }
    // The organizer leaves by ending the call for everyone.
    if (REMOVABLE.has(row.state) && row.role !== 'organizer') {
      const remove = make(
        'button',
        { type: 'button', class: 'button small quiet', 'aria-label': `Remove ${name} from the call` },
        'Remove',
      );
      remove.onclick = () => void this.#command((room) => room.remove(row.key), `Removing ${name} from the call.`);
      controls.append(remove);
    }
    item.append(controls);
    return item;
  }

  async #command(send: (room: Room) => Promise<number>, words?: string): Promise<void> {
    const room = this.#room;
    if (!room) return;
    if (words) announce(words);
    try {
      await send(room);
      showProblem(undefined);
    } catch (error) {
      showProblem(error);
    }
  }
}
