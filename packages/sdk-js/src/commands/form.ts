/**
 * The compact signed form of commands (docs/commands.md#the-compact-form), carried by SMS and by
 * Web Push when a device is not connected. One implementation for Patchbay (which writes it) and
 * the SDK (which reads it), on WebCrypto so it runs in browsers and Node alike.
 *
 *   PBC1 <seq hex> <authenticator: 16 hex> <item> [<item> ...]
 *   item: <action>[?<URL-encoded params>]  a command; the first has <seq>, each next one the next number
 *       | ~                                this number is settled (canceled, expired): skip it
 *       | @                                too large for the text: fetch it over HTTPS
 *
 * The authenticator is the first 64 bits of HMAC-SHA256 over the text without it (`PBC1 <seq hex>
 * <items>`), keyed with the device's secret, compared in constant time.
 *
 * @example
 * const text = await signForm(secret, { first: 10, items: [{ action: 'lock', params: { pin: '12 34' } }] });
 * // 'PBC1 a 3f2c9d0e5b7a1c48 lock?pin=12%2034'
 * const read = await readForm(secret, text); // { ok: true, first: 10, items: [...] }
 */

export const FORM_TAG = 'PBC1';
/** Hex digits of the authenticator (64 bits: forging one takes 2^63 tries on average, each a text). */
export const AUTHENTICATOR_HEX = 16;
/** Actions: 1 to 64 characters of letters, digits and `._-` (never a separator of the form). */
export const ACTION = /^[A-Za-z0-9._-]{1,64}$/;

export type FormItem =
  | { readonly action: string; readonly params: Readonly<Record<string, string>> }
  | { readonly skip: true }
  | { readonly fetch: true };

export interface CommandForm {
  /** The sequence number of the first item. */
  readonly first: number;
  readonly items: readonly FormItem[];
}

export type ReadForm =
  | ({ readonly ok: true } & CommandForm)
  | { readonly ok: false; readonly reason: 'not-a-command-form' | 'malformed' | 'authentication-failure' };

/** One item as written in the form. */
export function itemText(item: FormItem): string {
  if ('skip' in item) return '~';
  if ('fetch' in item) return '@';
  const params = Object.entries(item.params)
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
    .join('&');
  return params ? `${item.action}?${params}` : item.action;
}

/** The length of the signed text for `items` starting at `first`, without signing it. */
export function formLength(first: number, items: readonly string[]): number {
  return (
    FORM_TAG.length +
    1 +
    first.toString(16).length +
    1 +
    AUTHENTICATOR_HEX +
    items.reduce((sum, item) => sum + 1 + item.length, 0)
  );
}

const encoder = new TextEncoder();

async function authenticator(secret: string, body: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ]);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(body)));
  return Array.from(mac.subarray(0, AUTHENTICATOR_HEX / 2), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** Same length strings compared without an early exit. */
function sameText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}

/** Writes and signs the form. */
export async function signForm(secret: string, form: CommandForm): Promise<string> {
  const items = form.items.map(itemText);
  const body = `${FORM_TAG} ${form.first.toString(16)} ${items.join(' ')}`;
  const mac = await authenticator(secret, body);
  return `${FORM_TAG} ${form.first.toString(16)} ${mac} ${items.join(' ')}`;
}

function parseItem(text: string): FormItem | undefined {
  if (text === '~') return { skip: true };
  if (text === '@') return { fetch: true };
  const at = text.indexOf('?');
  const action = at < 0 ? text : text.slice(0, at);
  if (!ACTION.test(action)) return undefined;
  const params: Record<string, string> = {};
  if (at >= 0 && at < text.length - 1)
    for (const pair of text.slice(at + 1).split('&')) {
      const equals = pair.indexOf('=');
      try {
        params[decodeURIComponent(equals < 0 ? pair : pair.slice(0, equals))] =
          equals < 0 ? '' : decodeURIComponent(pair.slice(equals + 1));
      } catch {
        return undefined;
      }
    }
  return { action, params };
}

/** Reads a form and checks its authenticator with the device's secret. */
export async function readForm(secret: string, text: string): Promise<ReadForm> {
  const parts = text.trim().split(' ');
  if (parts[0] !== FORM_TAG) return { ok: false, reason: 'not-a-command-form' };
  const [, seqHex = '', mac = '', ...rest] = parts;
  if (!/^[0-9a-f]{1,13}$/.test(seqHex) || !/^[0-9a-f]+$/.test(mac) || rest.length === 0)
    return { ok: false, reason: 'malformed' };
  const expected = await authenticator(secret, `${FORM_TAG} ${seqHex} ${rest.join(' ')}`);
  if (!sameText(mac, expected)) return { ok: false, reason: 'authentication-failure' };
  const items = rest.map(parseItem);
  if (items.some((item) => item === undefined)) return { ok: false, reason: 'malformed' };
  return { ok: true, first: Number.parseInt(seqHex, 16), items: items as FormItem[] };
}
