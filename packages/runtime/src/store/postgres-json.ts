/**
 * JSON for PostgreSQL's jsonb, which cannot hold the character U+0000 in a string (SQLite's
 * JSON text can, and an SMS body or a webhook parameter may carry one). Such strings are stored
 * encoded, losslessly: MARK, then the string with each MARK written MARK '1' and each U+0000
 * written MARK '0'. A string that starts with MARK is encoded too, so every stored string that
 * starts with MARK is an encoded one. MARK is U+E000 (private use). Encoding and decoding happen
 * only when the text holds one of the two characters, so ordinary records cost one scan.
 *
 * @example
 * const text = toJsonb({ body: 'a\u0000b' }); // stored as '\uE000a\uE0000b'
 * fromJsonb(text); // { body: 'a\u0000b' }
 */
const MARK = '\uE000';

function encode(value: string): string {
  return MARK + value.replaceAll(MARK, `${MARK}1`).replaceAll('\u0000', `${MARK}0`);
}

function decode(value: string): string {
  return value.slice(1).replace(/\uE000([01])/g, (_, which: string) => (which === '1' ? MARK : '\u0000'));
}

/** `JSON.stringify(value)`, with strings jsonb cannot hold encoded. */
export function toJsonb(value: unknown): string {
  const text = JSON.stringify(value);
  if (!text.includes('\\u0000') && !text.includes(MARK)) return text;
  return JSON.stringify(value, (_key, item: unknown) =>
    typeof item === 'string' && (item.includes('\u0000') || item.startsWith(MARK)) ? encode(item) : item,
  );
}

/** `JSON.parse(text)` of a jsonb value written by toJsonb, encoded strings decoded. */
export function fromJsonb(text: string): unknown {
  if (!text.includes(MARK)) return JSON.parse(text);
  return JSON.parse(text, (_key, item: unknown) =>
    typeof item === 'string' && item.startsWith(MARK) ? decode(item) : item,
  );
}
