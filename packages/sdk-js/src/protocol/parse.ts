/**
 * How a device protocol message is checked, whichever its schema: a text past LIMITS.maxMessageBytes
 * or not JSON is refused before the schema sees it, and a schema's first issue (with where it is)
 * becomes the MalformedRequest error. messages.ts gives each direction's parser.
 *
 * @example
 * const parsed = parseWith(clientMessage, text);
 * if (!parsed.ok) reply({ type: 'error', error: parsed.error, fatal: false });
 */
import type * as z from 'zod';
import { DEVICE_ERRORS, type ProtocolError } from './errors.js';
import { LIMITS } from './primitives.js';

/** A message checked: the message, or why it was refused. */
export type Parsed<T> = { ok: true; message: T } | { ok: false; error: ProtocolError };

function utf8Length(text: string): number {
  // Upper bound without encoding: a UTF-16 unit is at most 3 UTF-8 bytes.
  if (text.length * 3 <= LIMITS.maxMessageBytes) return text.length;
  return new TextEncoder().encode(text).length;
}

const malformed = (message: string): { ok: false; error: ProtocolError } => ({
  ok: false,
  error: { name: 'MalformedRequest', code: DEVICE_ERRORS.MalformedRequest, message },
});

export function checkWith<T>(schema: z.ZodType<T>, value: unknown): Parsed<T> {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, message: result.data };
  const issue = result.error.issues[0];
  const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
  return malformed(`${issue?.message ?? 'invalid message'}${where}`);
}

export function parseWith<T>(schema: z.ZodType<T>, text: string): Parsed<T> {
  if (utf8Length(text) > LIMITS.maxMessageBytes)
    return malformed(`message larger than ${LIMITS.maxMessageBytes} bytes`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return malformed('message is not JSON');
  }
  return checkWith(schema, json);
}
