/**
 * Attribute codecs: each is a zod codec from the attribute's text in the document to its real
 * type (number, boolean, enum, list), so one schema gives the TypeScript type, the default, the
 * validation message and the serialized form.
 *
 * @example
 * const loop = attr.int({ min: 0, max: 1000 }).default(1);
 * z.decode(loop, '3'); // 3
 */
import * as z from 'zod';

type Ctx = z.core.ParsePayload<string>;

function invalid(ctx: Ctx, expected: string): never {
  ctx.issues.push({ code: 'custom', message: expected, input: ctx.value });
  return z.NEVER;
}

/** Returned by a decoder for text that is not a valid value: says what was expected. */
export class Invalid {
  constructor(readonly expected: string) {}
}
/** Decodes one attribute's text: the typed value, or `Invalid`. */
export type Decoder = (text: string) => unknown;

const decoders = new WeakMap<object, Decoder>();
// One context reused by every decoder call: decoding is synchronous and never re-entered, and
// this keeps the parser's hot path free of allocations for valid values.
const shared = { value: '', issues: [] as Array<{ message: string }> };

function codec<T extends z.ZodType>(
  output: T,
  decode: (text: string, ctx: Ctx) => z.output<T>,
  encode: (value: z.output<T>) => string,
) {
  const schema = z.codec(z.string(), output, {
    decode: (text, ctx) => decode(text, ctx as unknown as Ctx) as never,
    encode: (value) => encode(value as z.output<T>),
  });
  // The same decode function, callable without zod's object walk: the parser's hot path decodes
  // only the attributes a document sets (2-3 of Dial's 20) and takes the rest from the defaults.
  decoders.set(schema, (text) => {
    shared.value = text;
    shared.issues.length = 0;
    const value = decode(text, shared as unknown as Ctx);
    return shared.issues.length === 0 ? value : new Invalid(shared.issues[0]?.message ?? '');
  });
  return schema;
}

/** The decoder of an attribute schema built here, looking through `.optional()` and `.default()`. */
export function decoderOf(schema: unknown): Decoder {
  let current = schema as { _zod: { def: { innerType?: unknown } } };
  for (;;) {
    const decoder = decoders.get(current);
    if (decoder) return decoder;
    const inner = current._zod.def.innerType as typeof current | undefined;
    if (!inner) throw new TypeError('attribute schemas must be built with attr.*');
    current = inner;
  }
}

const INTEGER = /^\s*\d+\s*$/;

/** Whole number within [min, max]. */
function int(range: { min: number; max: number }) {
  const expected = `expected a whole number from ${range.min} to ${range.max}`;
  return codec(
    z.number().int().min(range.min).max(range.max),
    (text, ctx) => {
      if (!INTEGER.test(text)) return invalid(ctx, expected);
      const value = Number(text);
      return value < range.min || value > range.max ? invalid(ctx, expected) : value;
    },
    String,
  );
}

/** `true` or `false` (any letter case). */
function bool() {
  return codec(
    z.boolean(),
    (text, ctx) => {
      const lower = text.trim().toLowerCase();
      if (lower === 'true') return true;
      if (lower === 'false') return false;
      return invalid(ctx, 'expected true or false');
    },
    String,
  );
}

/** One of a fixed set of values, matched exactly. */
function oneOf<const V extends readonly [string, ...string[]]>(values: V) {
  const allowed = new Set<string>(values);
  const expected = `expected one of ${values.join(', ')}`;
  return codec(
    z.enum(values),
    (text, ctx) => (allowed.has(text) ? (text as V[number]) : invalid(ctx, expected)),
    String,
  );
}

/** HTTP method for a callback: GET or POST, any letter case, normalized to upper case. */
function method() {
  return codec(
    z.enum(['GET', 'POST']),
    (text, ctx) => {
      const upper = text.trim().toUpperCase();
      return upper === 'GET' || upper === 'POST' ? upper : invalid(ctx, 'expected GET or POST');
    },
    String,
  );
}

/**
 * Space-separated list of values from a fixed set (commas are accepted too, as apps write them).
 * Serialized joined by one space, as the helper library writes arrays.
 */
function list<const V extends readonly [string, ...string[]]>(values: V) {
  const allowed = new Set<string>(values);
  const expected = `expected a space-separated list of ${values.join(', ')}`;
  return codec(
    z.array(z.enum(values)),
    (text, ctx) => {
      const items = text.split(/[\s,]+/).filter((item) => item !== '');
      for (const item of items) if (!allowed.has(item)) return invalid(ctx, expected);
      return items as V[number][];
    },
    (items) => items.join(' '),
  );
}

/** Free text, optionally constrained by a pattern described in words for the error message. */
function text(pattern?: RegExp, description?: string) {
  const expected = description ?? `expected text matching ${String(pattern)}`;
  return codec(
    pattern ? z.string().regex(pattern) : z.string(),
    (value, ctx) => (pattern && !pattern.test(value) ? invalid(ctx, expected) : value),
    (value) => value,
  );
}

/** A URL, absolute or relative to the document's URL; kept as written, resolved by the runtime. */
function url() {
  return text();
}

/** A BCP-47 style language tag such as `en-US` or `cmn-Hans-CN`. */
function language() {
  return text(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/, 'expected a language tag such as en-US');
}

/** DTMF to play: digits, `*`, `#`, and `w` for a half-second pause. */
function dtmf() {
  return text(/^[0-9*#wW]*$/, 'expected digits 0-9, *, # and w (half-second pause)');
}

/** `auto` or a whole number of seconds. */
function secondsOrAuto(range: { min: number; max: number }) {
  const expected = `expected auto or a whole number from ${range.min} to ${range.max}`;
  return codec(
    z.union([z.literal('auto'), z.number().int().min(range.min).max(range.max)]),
    (value, ctx) => {
      if (value.trim() === 'auto') return 'auto' as const;
      if (!INTEGER.test(value)) return invalid(ctx, expected);
      const n = Number(value);
      return n < range.min || n > range.max ? invalid(ctx, expected) : n;
    },
    String,
  );
}

/** A boolean that also admits extra named values, such as Conference `beep="onEnter"`. */
function boolOr<const V extends readonly [string, ...string[]]>(values: V) {
  const allowed = new Set<string>(values);
  const expected = `expected true, false, ${values.join(', ')}`;
  return codec(
    z.union([z.boolean(), z.enum(values)]),
    (value, ctx) => {
      const lower = value.trim().toLowerCase();
      if (lower === 'true') return true;
      if (lower === 'false') return false;
      return allowed.has(value) ? (value as V[number]) : invalid(ctx, expected);
    },
    String,
  );
}

export const attr = {
  int,
  bool,
  oneOf,
  method,
  list,
  text,
  url,
  language,
  dtmf,
  secondsOrAuto,
  boolOr,
};

/** Call progress events accepted by `statusCallbackEvent` on Dial nouns. */
export const CALL_EVENTS = ['initiated', 'ringing', 'answered', 'completed'] as const;
/** Events accepted by `recordingStatusCallbackEvent`. */
export const RECORDING_EVENTS = ['in-progress', 'completed', 'absent'] as const;
/** Values of `trim` on Record, Dial and Conference. */
export const TRIM_VALUES = ['trim-silence', 'do-not-trim'] as const;
