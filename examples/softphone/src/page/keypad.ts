/**
 * The keypad: in a call each key sends its tone (DTMF) and shows what was pressed; when idle it
 * types the number to call. Typing 0-9, * or # anywhere on the page (outside a text field) presses
 * the key, so the keypad works from the keyboard alone.
 *
 * @example
 * wireKeypad(view, (digit) => (current ? (current.sendDigits(digit), true) : false));
 */
import type { View } from './view.js';

const DIGIT = /^[0-9*#]$/;

/** `send` returns true when the digit went into a call, false when the phone is idle. */
export function wireKeypad(view: View, send: (digit: string) => boolean): void {
  const { to, keypad, backspace } = view.el;
  const press = (digit: string) => {
    const inCall = send(digit);
    if (inCall) to.value = `${to.value}${digit}`.slice(-64);
    else if (to.value.length < to.maxLength) to.value += digit;
    const key = keypad.querySelector<HTMLElement>(`[data-digit="${CSS.escape(digit)}"]`);
    key?.classList.add('pressed');
    setTimeout(() => key?.classList.remove('pressed'), 150);
  };
  for (const key of keypad.querySelectorAll<HTMLButtonElement>('[data-digit]'))
    key.onclick = () => press(key.dataset.digit ?? '');
  backspace.onclick = () => {
    if (!to.readOnly) to.value = to.value.slice(0, -1);
  };
  document.addEventListener('keydown', (event) => {
    const target = event.target as HTMLElement | null;
    const typing = target?.closest('input, select, textarea') && !(target as HTMLInputElement).readOnly;
    if (typing || event.ctrlKey || event.metaKey || event.altKey || !DIGIT.test(event.key)) return;
    event.preventDefault();
    press(event.key);
  });
}
