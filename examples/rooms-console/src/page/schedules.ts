/**
 * A room's scheduled calls: listed with their rule in words and their next time, created (once at
 * a date and time, or every day, week or month at a time of day, in the browser's time zone) for
 * the members selected or everyone, and deleted.
 *
 * @example
 * const schedules = new SchedulesPanel(session, () => ({ members: [...selected], organizerPhone: false }));
 * await schedules.load(room.sid);
 */
import type { RoomScheduleInstance, ScheduleParams, Weekday } from '@patchbay/sdk/client';
import { announce, byId, Drawer, make, showProblem } from './dom.js';
import type { Session } from './session.js';
import { UserError } from './words.js';

const DAY_NAMES: Record<Weekday, string> = {
  mon: 'Mon',
  tue: 'Tue',
  wed: 'Wed',
  thu: 'Thu',
  fri: 'Fri',
  sat: 'Sat',
  sun: 'Sun',
};

const when = new Intl.DateTimeFormat('en-US', {
  weekday: 'short',
  month: 'short',
  day: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
});

const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;

/** 1 → 1st, 22 → 22nd, 13 → 13th. */
export function ordinal(day: number): string {
  const teen = day % 100 >= 11 && day % 100 <= 13;
  const suffix = teen ? 'th' : (({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[day % 10] ?? 'th');
  return `${day}${suffix}`;
}

/** The rule in words: "Every month on day 1 at 09:00". */
export function describeRule(schedule: RoomScheduleInstance): string {
  const inZone = schedule.timeZone === zone ? '' : ` (${schedule.timeZone})`;
  switch (schedule.recurrence) {
    case 'once':
      return `Once, ${schedule.startTime ? when.format(schedule.startTime) : ''}`;
    case 'daily':
      return `Every day at ${schedule.time}${inZone}`;
    case 'weekly':
      return `Every ${(schedule.days ?? []).map((day) => DAY_NAMES[day]).join(', ')} at ${schedule.time}${inZone}`;
    case 'monthly':
      return `Every month on the ${ordinal(schedule.dayOfMonth ?? 1)} at ${schedule.time}${inZone}`;
  }
}

export class SchedulesPanel {
  #room: string | undefined;
  readonly #list = byId<HTMLUListElement>('schedule-list');
  readonly #drawer = new Drawer('schedule', 'add-schedule', () => this.#create());
  readonly #recurrence = byId<HTMLSelectElement>('schedule-recurrence');

  constructor(
    private readonly session: Session,
    /** Who the call rings: the members selected (none: everyone), and whether the organizer's phone goes first. */
    private readonly who: () => { members: string[]; organizerPhone: boolean },
  ) {
    byId('schedule-zone').textContent = zone;
    this.#recurrence.onchange = () => this.#fields();
    // An emptied form ("Once" again) shows the fields of "Once": `reset` fires before the values go back.
    this.#drawer.form.addEventListener('reset', () => setTimeout(() => this.#fields()));
    this.#fields();
  }

  /** The fields the chosen rule needs. */
  #fields(): void {
    const rule = this.#recurrence.value;
    byId('schedule-when-once').hidden = rule !== 'once';
    byId('schedule-when-time').hidden = rule === 'once';
    byId('schedule-days').hidden = rule !== 'weekly';
    byId('schedule-when-day').hidden = rule !== 'monthly';
  }

  async load(roomSid: string): Promise<void> {
    this.#room = roomSid;
    const schedules = await this.session.client.rooms.schedules(roomSid).list({ limit: 20 });
    if (this.#room !== roomSid) return;
    byId('schedules-empty').hidden = schedules.length > 0;
    this.#list.replaceChildren(...schedules.map((schedule) => this.#item(schedule)));
  }

  #item(schedule: RoomScheduleInstance): HTMLLIElement {
    const who = schedule.members === 'all' ? 'Everyone' : `${schedule.members.length} selected`;
    const next = schedule.nextRun ? `Next: ${when.format(new Date(schedule.nextRun))}` : 'Over';
    const remove = make(
      'button',
      { type: 'button', class: 'icon-button', 'aria-label': `Delete ${schedule.friendlyName ?? 'this schedule'}` },
      '✕',
    );
    remove.onclick = () => void this.#remove(schedule);
    return make(
      'li',
      { class: 'schedule', 'data-sid': schedule.sid },
      make(
        'span',
        { class: 'schedule-text' },
        make('span', { class: 'member-name' }, schedule.friendlyName ?? 'Scheduled call'),
        make('span', { class: 'small' }, describeRule(schedule)),
        make('span', { class: 'muted small' }, `${next} · ${who}`),
      ),
      remove,
    );
  }

  #params(): ScheduleParams {
    const recurrence = this.#recurrence.value as NonNullable<ScheduleParams['recurrence']>;
    const { members, organizerPhone } = this.who();
    const friendlyName = byId<HTMLInputElement>('schedule-name').value.trim();
    const params: ScheduleParams = {
      recurrence,
      timeZone: zone,
      ...(members.length > 0 ? { members } : { all: true }),
      ...(organizerPhone ? { organizerPhone } : {}),
      ...(friendlyName ? { friendlyName } : {}),
    };
    if (recurrence === 'once') {
      const start = byId<HTMLInputElement>('schedule-start').value;
      if (!start) throw new UserError('Choose the date and time of the call.');
      return { ...params, startTime: new Date(start) };
    }
    const time = byId<HTMLInputElement>('schedule-time').value;
    if (recurrence === 'daily') return { ...params, time };
    if (recurrence === 'monthly')
      return { ...params, time, dayOfMonth: Number(byId<HTMLInputElement>('schedule-day').value) };
    const days = [...byId('schedule-days').querySelectorAll<HTMLInputElement>('input:checked')].map(
      (box) => box.value as Weekday,
    );
    if (days.length === 0) throw new UserError('Choose at least one day of the week.');
    return { ...params, time, days };
  }

  async #create(): Promise<void> {
    if (!this.#room) return;
    try {
      const schedule = await this.session.client.rooms.schedules(this.#room).create(this.#params());
      this.#drawer.done();
      await this.load(this.#room);
      announce(`Scheduled: ${describeRule(schedule)}.`);
    } catch (error) {
      this.#drawer.error(error);
    }
  }

  async #remove(schedule: RoomScheduleInstance): Promise<void> {
    if (!this.#room) return;
    try {
      await this.session.client.rooms.schedules(this.#room).remove(schedule.sid);
      await this.load(this.#room);
      announce('Schedule deleted.');
      this.#drawer.opener.focus();
    } catch (error) {
      showProblem(error);
    }
  }
}
