/**
 * The room's chat: the history (the organizer's view: messages to everyone, and private ones to
 * or from the organizer), messages arriving live over the device channel (from members' apps, and
 * texts to the room's number), and sending, to everyone or privately to the members selected,
 * with the `Room`'s `send`. Phone members get each message as a text from the room's number.
 *
 * @example
 * const chat = new ChatPanel(session, members);
 * await chat.load(room.sid, control);
 */
import type { Room } from '@patchbay/sdk/client';
import { announce, byId, errorLine, make } from './dom.js';
import type { MembersPanel } from './members.js';
import type { Session } from './session.js';
import { UserError } from './words.js';

/** What a message shows, from the history (REST) or live (the channel). */
interface Shown {
  readonly sid: string;
  readonly from?: string | null | undefined;
  readonly author: string;
  readonly body: string;
  readonly mediaUrls: readonly string[];
  readonly to?: readonly string[] | null | undefined;
  readonly source: 'api' | 'app' | 'sms';
  readonly at: number;
}

/** Pictures show as such (by their file's extension: a message carries no content types). */
const PICTURE = /\.(?:png|jpe?g|gif|webp|avif|bmp|svg)$/i;

/** A message's media: pictures shown (each a link to the full one), other files as links by name. */
function attachments(author: string, urls: readonly string[]): HTMLElement {
  const list = make('ul', { class: 'attachments', 'aria-label': 'Attachments' });
  for (const url of urls) {
    const path = URL.canParse(url) ? new URL(url).pathname : url;
    const name = decodeURIComponent(path.split('/').pop() || url);
    const link = make('a', { href: url, target: '_blank', rel: 'noreferrer' });
    if (PICTURE.test(path)) {
      link.className = 'picture';
      link.append(make('img', { src: url, alt: `Picture from ${author}: ${name}`, loading: 'lazy' }));
    } else link.append(make('span', { 'aria-hidden': 'true' }, '📎 '), name);
    list.append(make('li', {}, link));
  }
  return list;
}

const time = new Intl.DateTimeFormat('en-US', { hour: 'numeric', minute: '2-digit' });

export class ChatPanel {
  #room: Room | undefined;
  readonly #shown = new Map<string, Shown>();
  readonly #log = byId<HTMLOListElement>('chat-log');
  readonly #to = byId<HTMLSelectElement>('chat-to');
  readonly #body = byId<HTMLTextAreaElement>('chat-body');
  readonly #form = byId<HTMLFormElement>('chat-form');
  readonly #media = byId<HTMLInputElement>('chat-media');

  constructor(
    private readonly session: Session,
    private readonly members: MembersPanel,
  ) {
    this.#form.onsubmit = (event) => {
      event.preventDefault();
      void this.#send();
    };
    // Enter sends; Shift+Enter starts a new line.
    this.#body.onkeydown = (event) => {
      if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
      event.preventDefault();
      this.#form.requestSubmit();
    };
  }

  /** The organizer's own member SID in this room (their messages show on the right). */
  #self(): string | undefined {
    const { identity } = this.session.organizer;
    return this.members.members.find((member) => member.role === 'organizer' && member.identity === identity)?.sid;
  }

  /** The "To" choice follows the members selected. */
  selectionChanged(): void {
    const count = this.members.selected.size;
    const selected = this.#to.querySelector<HTMLOptionElement>('option[value="selected"]');
    if (!selected) return;
    selected.disabled = count === 0;
    selected.textContent = count === 0 ? 'Only the members selected' : `Only the ${count} selected (private)`;
    if (count === 0) this.#to.value = 'all';
  }

  /**
   * The history, and the room's messages from now on: listening starts before `subscribed` (the
   * room's replay), which the history overlaps (a message is shown once); only messages after
   * both are announced.
   */
  async load(roomSid: string, room: Room, subscribed: () => Promise<void>): Promise<void> {
    this.#room = room;
    this.#shown.clear();
    this.#render();
    let live = false;
    room.on('message', (message) => {
      this.#add(message);
      this.#render();
      if (live && message.from !== this.#self()) announce(`Message from ${message.author}: ${message.body}`);
    });
    const self = this.#self();
    const [history] = await Promise.all([
      this.session.client.rooms.messages(roomSid, self ? { member: self } : {}).list({ limit: 50 }),
      subscribed(),
    ]);
    live = true;
    if (this.#room !== room) return;
    for (const message of history) this.#add({ ...message, at: message.dateCreated.getTime() });
    this.#render();
    this.selectionChanged();
  }

  #add(message: Shown): void {
    this.#shown.set(message.sid, message);
  }

  #render(): void {
    const messages = [...this.#shown.values()].sort((a, b) => a.at - b.at);
    byId('chat-empty').hidden = messages.length > 0;
    const self = this.#self();
    this.#log.replaceChildren(...messages.map((message) => this.#item(message, message.from === self)));
    this.#log.parentElement?.scrollTo({ top: this.#log.scrollHeight });
  }

  #item(message: Shown, own: boolean): HTMLLIElement {
    const meta = [time.format(message.at), message.source === 'sms' ? 'by text' : undefined];
    const head = make(
      'p',
      { class: 'message-head' },
      make('span', { class: 'member-name' }, own ? 'You' : message.author),
    );
    head.append(make('span', { class: 'muted small' }, meta.filter(Boolean).join(' · ')));
    const item = make('li', { class: `message${own ? ' own' : ''}`, 'data-sid': message.sid }, head);
    if (message.to) {
      const names = message.to.map((sid) => this.members.nameOf(sid) ?? 'a member').join(', ');
      item.append(make('p', { class: 'badge warn private' }, `Private to ${names}`));
    }
    if (message.body) item.append(make('p', { class: 'message-body' }, message.body));
    if (message.mediaUrls.length > 0) item.append(attachments(message.author, message.mediaUrls));
    return item;
  }

  async #send(): Promise<void> {
    const room = this.#room;
    const body = this.#body.value.trim();
    const mediaUrls = this.#media.value.split(/\s+/).filter(Boolean);
    try {
      if (!room) return;
      if (!body && mediaUrls.length === 0) throw new UserError('Write a message first.');
      const to = this.#to.value === 'selected' ? [...this.members.selected] : undefined;
      await room.send(body, { ...(to ? { to } : {}), ...(mediaUrls.length > 0 ? { mediaUrls } : {}) });
      this.#body.value = '';
      this.#media.value = '';
      byId<HTMLDetailsElement>('chat-attach').open = false;
      errorLine('chat-form-error', undefined);
      this.#body.focus();
    } catch (error) {
      errorLine('chat-form-error', error);
    }
  }
}
