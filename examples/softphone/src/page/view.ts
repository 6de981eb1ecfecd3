/**
 * What the page shows, in one place: the registration pill, the phone's state (which buttons
 * exist, the status line that screen readers follow), the incoming-call banner, messages in
 * words, and the recent calls. The page's logic (main.ts) tells it what happened; it never reads
 * the SDK itself.
 *
 * @example
 * const view = new View();
 * view.phone('in-call', 'In call', '+15550109999');
 */
import type { Problem } from './words.js';

export type Registration = 'starting' | 'registering' | 'registered' | 'reconnecting' | 'unregistered' | 'offline';
export type PhoneState = 'idle' | 'incoming' | 'calling' | 'in-call' | 'reconnecting';

/** What the banner shows of an invitation. */
export interface Invitation {
  readonly caller: string;
  /** The screening instruction the app sent along (`<Parameter name="screening">`), if any. */
  readonly screening?: string | undefined;
  /** Other custom parameters, shown as they are. */
  readonly details: ReadonlyArray<readonly [string, string]>;
}

const REGISTRATION_WORDS: Record<Registration, string> = {
  starting: 'Starting…',
  registering: 'Connecting…',
  registered: 'Ready for calls',
  reconnecting: 'Reconnecting…',
  unregistered: 'Not receiving calls',
  offline: 'Offline',
};

function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element as T;
}

export class View {
  readonly el = {
    phone: byId('phone'),
    registration: byId('registration'),
    state: byId('state'),
    identity: byId('identity'),
    transport: byId('transport'),
    announcer: byId('announcer'),
    alert: byId('alert'),
    alertText: byId('alert-text'),
    alertCode: byId('alert-code'),
    alertAction: byId<HTMLButtonElement>('alert-action'),
    alertClose: byId<HTMLButtonElement>('alert-close'),
    incoming: byId('incoming'),
    incomingFrom: byId('incoming-from'),
    incomingScreening: byId('incoming-screening'),
    incomingDetails: byId('incoming-details'),
    accept: byId<HTMLButtonElement>('accept'),
    reject: byId<HTMLButtonElement>('reject'),
    callState: byId('call-state'),
    peer: byId('peer'),
    timer: byId('timer'),
    level: byId<HTMLMeterElement>('level'),
    dial: byId<HTMLFormElement>('dial'),
    to: byId<HTMLInputElement>('to'),
    backspace: byId<HTMLButtonElement>('backspace'),
    keypad: byId('keypad'),
    mute: byId<HTMLButtonElement>('mute'),
    call: byId<HTMLButtonElement>('call'),
    hangup: byId<HTMLButtonElement>('hangup'),
    microphone: byId<HTMLSelectElement>('microphone'),
    speaker: byId<HTMLSelectElement>('speaker'),
    devicesNote: byId('devices-note'),
    allowDevices: byId<HTMLButtonElement>('allow-devices'),
    recent: byId('recent'),
    recentEmpty: byId('recent-empty'),
  };

  constructor() {
    this.el.alertClose.onclick = () => this.alert(undefined);
  }

  registration(state: Registration, transport?: string): void {
    this.el.registration.dataset.state = state;
    this.el.state.textContent = REGISTRATION_WORDS[state];
    if (transport) this.el.transport.textContent = transport === 'long-poll' ? 'HTTP long-poll' : 'WebSocket';
  }

  /** The phone's state: the status line (announced), the buttons that make sense now. */
  phone(state: PhoneState, words: string, peer = ''): void {
    const { el } = this;
    const hadFocus = el.phone.contains(document.activeElement) ? document.activeElement : null;
    el.phone.dataset.state = state;
    el.callState.textContent = words;
    el.peer.textContent = peer;
    const live = state === 'calling' || state === 'in-call' || state === 'reconnecting';
    el.call.hidden = live;
    el.hangup.hidden = !live;
    el.mute.disabled = state !== 'in-call';
    el.to.readOnly = live;
    el.to.placeholder = live ? 'Digits you press' : 'Enter a number';
    if (!live) el.mute.setAttribute('aria-pressed', 'false');
    // A button that disappears under the keyboard's focus hands it to the one that replaces it.
    if (hadFocus instanceof HTMLElement && (hadFocus.hidden || (hadFocus as HTMLButtonElement).disabled))
      (live ? el.hangup : el.call).focus();
  }

  muted(muted: boolean): void {
    this.el.mute.setAttribute('aria-pressed', String(muted));
  }

  /** Shows the banner for an invitation (or hides it); focus goes to Accept if nothing else held it. */
  incoming(invitation: Invitation | undefined): void {
    const { el } = this;
    const hadFocus = el.incoming.contains(document.activeElement);
    el.incoming.hidden = !invitation;
    // A ringing tab says so in its title, for a person looking at another tab.
    document.title = invitation ? `Incoming call from ${invitation.caller} – Patchbay Phone` : 'Patchbay Phone';
    if (!invitation) {
      if (hadFocus) (el.hangup.hidden ? el.to : el.hangup).focus();
      return;
    }
    el.incomingFrom.textContent = invitation.caller;
    el.incomingScreening.hidden = !invitation.screening;
    el.incomingScreening.textContent = invitation.screening ? `Screening: ${invitation.screening}` : '';
    el.incomingDetails.hidden = invitation.details.length === 0;
    el.incomingDetails.replaceChildren(
      ...invitation.details.flatMap(([name, value]) => {
        const term = document.createElement('dt');
        term.textContent = name;
        const description = document.createElement('dd');
        description.textContent = value;
        return [term, description];
      }),
    );
    const screening = invitation.screening ? ` ${invitation.screening}` : '';
    this.announce(`Incoming call from ${invitation.caller}.${screening}`);
    if (document.activeElement === document.body || document.activeElement === null) el.accept.focus();
  }

  announce(text: string): void {
    this.el.announcer.textContent = text;
  }

  /** Shows a problem in words (or clears it); `signIn` offers a button that signs in again. */
  alert(problem: Problem | undefined, signIn?: () => void): void {
    const { el } = this;
    el.alert.hidden = !problem;
    el.alertText.textContent = problem?.text ?? '';
    el.alertCode.textContent = problem?.code ? `(error ${problem.code})` : '';
    el.alertAction.hidden = !(problem?.signIn && signIn);
    el.alertAction.onclick = signIn ? () => signIn() : null;
  }

  recent(entry: {
    direction: 'INCOMING' | 'OUTGOING';
    peer: string;
    outcome: string;
    duration?: string | undefined;
  }): void {
    const item = document.createElement('li');
    item.dataset.direction = entry.direction;
    const who = document.createElement('span');
    who.className = 'recent-peer';
    who.textContent = entry.peer;
    const what = document.createElement('span');
    what.className = 'recent-what';
    const arrow = entry.direction === 'INCOMING' ? 'Incoming' : 'Outgoing';
    what.textContent = `${arrow} · ${entry.outcome}${entry.duration ? ` · ${entry.duration}` : ''}`;
    item.append(who, what);
    this.el.recent.prepend(item);
    while (this.el.recent.children.length > 20) this.el.recent.lastElementChild?.remove();
    this.el.recentEmpty.hidden = true;
  }
}
