/**
 * Small DOM helpers for the console's panels: elements by id (failing loudly when the page lacks
 * one), elements made with their text and attributes, problems shown in words, announcements for
 * screen readers, and forms' error lines.
 *
 * @example
 * const button = make('button', { type: 'button', 'aria-label': 'Remove Ann' }, 'Remove');
 */
import { describeError } from './words.js';

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element as T;
}

/** An element with attributes (`class`, `data-*`, `aria-*`...) and children (text or elements). */
export function make<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | undefined> = {},
  ...children: Array<Node | string>
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) if (value !== undefined) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

/** A round picture: the image when there is one, else the initials on a colour of the name's. */
export function avatar(name: string, url: string | null | undefined, size = ''): HTMLElement {
  const span = make('span', { class: `avatar ${size}`.trim(), 'aria-hidden': 'true' });
  fillAvatar(span, name, url);
  return span;
}

export function fillAvatar(span: HTMLElement, name: string, url: string | null | undefined): void {
  span.replaceChildren();
  span.style.removeProperty('--hue');
  if (url) {
    span.append(make('img', { src: url, alt: '' }));
    return;
  }
  const initials = name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((word) => word[0]?.toUpperCase() ?? '')
    .join('');
  span.textContent = initials || '#';
  let hue = 0;
  for (const char of name) hue = (hue * 31 + (char.codePointAt(0) ?? 0)) % 360;
  span.style.setProperty('--hue', String(hue));
}

/**
 * A destructive step asked once more where it was asked: the question, the step (its button
 * labelled in full for screen readers) and Keep. The caller puts it in place, then focuses `yes`.
 */
export function askAgain(
  question: string,
  step: { readonly text: string; readonly label: string; run(): void },
  keep: () => void,
): { readonly element: HTMLElement; readonly yes: HTMLButtonElement } {
  const kept = make('button', { type: 'button', class: 'button small quiet' }, 'Keep');
  const yes = make('button', { type: 'button', class: 'button small danger', 'aria-label': step.label }, step.text);
  kept.onclick = keep;
  yes.onclick = () => step.run();
  return { element: make('span', { class: 'confirm' }, make('span', { class: 'small' }, question), yes, kept), yes };
}

const announcer = () => byId('announcer');

/** Said by screen readers (politely: after what they are reading). */
export function announce(text: string): void {
  announcer().textContent = text;
}

/** The page's message bar: a problem in words with its code, or nothing. */
export function showProblem(error: unknown): void {
  const problem = error === undefined ? undefined : describeError(error);
  byId('alert').hidden = !problem;
  byId('alert-text').textContent = problem?.text ?? '';
  byId('alert-code').textContent = problem?.code ? `(error ${problem.code})` : '';
}

/** A form's error line: the problem in words with its code, or nothing. */
export function errorLine(id: string, error: unknown): void {
  const line = byId(id);
  const problem = error === undefined ? undefined : describeError(error);
  line.hidden = !problem;
  line.textContent = problem ? `${problem.text}${problem.code ? ` (error ${problem.code})` : ''}` : '';
}

/**
 * A form that opens from a button (`<name>-form`, its Cancel `<name>-cancel`, its error line
 * `<name>-form-error`): the button's aria-expanded follows, the focus goes into the form when it
 * opens and back to the button when it closes, and its problems show beside its fields.
 */
export class Drawer {
  readonly form: HTMLFormElement;
  readonly opener: HTMLButtonElement;

  constructor(
    private readonly name: string,
    opener: string,
    submit: () => Promise<void>,
    /** Fills the form as it opens (with what the server holds now). */
    private readonly filling: () => void = () => undefined,
  ) {
    this.form = byId<HTMLFormElement>(`${name}-form`);
    this.opener = byId<HTMLButtonElement>(opener);
    this.opener.onclick = () => this.#open(this.form.hidden);
    byId(`${name}-cancel`).onclick = () => this.close();
    this.form.onsubmit = (event) => {
      event.preventDefault();
      void submit();
    };
  }

  get isOpen(): boolean {
    return !this.form.hidden;
  }

  /** Closed without saving: what was typed is dropped, and the focus is back on its button. */
  close(): void {
    this.form.reset();
    this.error(undefined);
    this.#open(false);
  }

  /** Saved: emptied and closed. */
  done(): void {
    this.form.reset();
    this.error(undefined);
    this.#open(false);
  }

  /** The form's own error line (beside the fields, so the person sees what to fix), or none. */
  error(error: unknown): void {
    errorLine(`${this.name}-form-error`, error);
  }

  #open(open: boolean): void {
    if (open) this.filling();
    this.form.hidden = !open;
    this.opener.setAttribute('aria-expanded', String(open));
    if (open) this.form.querySelector<HTMLElement>('input, select')?.focus();
    else this.opener.focus();
  }
}
