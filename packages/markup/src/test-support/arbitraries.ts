/**
 * fast-check arbitraries derived from the element registry itself, so property tests cover every
 * attribute of every element without a hand-kept list: typed attribute values come from each
 * codec's output schema (int ranges, enums, lists, patterns), content from the element's kind.
 */
import fc from 'fast-check';
import type * as z from 'zod';
import type { ElementDef } from '../define.js';
import { ILLEGAL_XML_CHAR } from '../escape.js';
import { dialects } from '../verbs/index.js';

type Def = { type: string; [key: string]: unknown };
/** The internal definition of a zod schema (type, inner schemas, checks). */
export const defOf = (schema: unknown) => (schema as { _zod: { def: Def } })._zod.def;

const ILLEGAL = ILLEGAL_XML_CHAR;

/** Any text XML can carry, including markup characters, quotes, tabs and newlines. */
export const xmlText = (options: { minLength?: number; maxLength?: number } = {}) =>
  fc
    .oneof(
      fc.string({ unit: 'binary', maxLength: options.maxLength ?? 20, minLength: options.minLength ?? 0 }),
      fc.string({
        unit: fc.constantFrom('<', '>', '&', '"', "'", '\t', '\n', '\r', ' ', ']]>', 'a', '+', '&amp;'),
        maxLength: options.maxLength ?? 20,
        minLength: options.minLength ?? 0,
      }),
    )
    .filter((text) => !ILLEGAL.test(text));

/** An arbitrary of the typed values a codec's output schema admits. */
export function valueArbitrary(schema: unknown): fc.Arbitrary<unknown> {
  const def = defOf(schema);
  switch (def.type) {
    case 'optional':
    case 'default':
      return valueArbitrary(def.innerType);
    case 'pipe':
      return valueArbitrary(def.out);
    case 'number': {
      const number = schema as z.ZodNumber;
      return fc.integer({ min: number.minValue ?? 0, max: number.maxValue ?? 1_000_000 });
    }
    case 'boolean':
      return fc.boolean();
    case 'enum':
      return fc.constantFrom(...(schema as z.ZodEnum).options);
    case 'literal':
      return fc.constantFrom(...(def.values as unknown[]));
    case 'array':
      return fc.array(valueArbitrary(def.element), { maxLength: 3 });
    case 'union':
      return fc.oneof(...(def.options as unknown[]).map(valueArbitrary));
    case 'string': {
      const checks = (def.checks as Array<{ _zod: { def: { pattern?: RegExp } } }> | undefined) ?? [];
      const pattern = checks.find((check) => check._zod.def.pattern)?._zod.def.pattern;
      return pattern ? fc.stringMatching(pattern).filter((text) => !ILLEGAL.test(text)) : xmlText();
    }
    default:
      throw new Error(`no arbitrary for schema type ${def.type}`);
  }
}

/** Typed attributes of an element: a random subset set, the rest at their defaults. */
export function attributesArbitrary(element: ElementDef): fc.Arbitrary<Record<string, unknown>> {
  const shape = element.attributes.shape as Record<string, unknown>;
  const fields = Object.fromEntries(Object.entries(shape).map(([name, schema]) => [name, valueArbitrary(schema)]));
  return fc
    .record(fields, { requiredKeys: [] })
    .map((chosen) => ({ ...structuredClone(element.defaults as Record<string, unknown>), ...chosen }));
}

/** Typed documents of a dialect, as the parser would produce them. */
export function documentArbitrary(dialect: 'voice' | 'messaging', maxDepth = 4): fc.Arbitrary<unknown> {
  const registry = dialects[dialect];
  const nodeOf = (name: string, depth: number): fc.Arbitrary<Record<string, unknown>> => {
    const element = registry[name] as ElementDef;
    const allowed = element.children.filter((child) => !(registry[child] as ElementDef).opaque);
    const children =
      depth >= maxDepth || allowed.length === 0
        ? fc.constant([])
        : fc.array(
            fc.constantFrom(...allowed).chain((child) => nodeOf(child, depth + 1)),
            { maxLength: depth === 1 ? 6 : 3 },
          );
    const rule = element.text;
    const text = rule
      ? element.content === 'text'
        ? fc.stringMatching(rule.pattern).filter((t) => !ILLEGAL.test(t))
        : fc.oneof(
            fc.constant(''),
            fc.stringMatching(rule.pattern).filter((t) => !ILLEGAL.test(t)),
          )
      : xmlText();
    const head = attributesArbitrary(element).map((attributes) => ({ name, attributes }));
    switch (element.content) {
      case 'none':
        return head;
      case 'text':
        return fc.tuple(head, text).map(([node, t]) => ({ ...node, text: t }));
      case 'elements':
        return fc.tuple(head, children).map(([node, c]) => ({ ...node, children: c }));
      case 'text+elements':
        return fc.tuple(head, text, children).map(([node, t, c]) => ({ ...node, text: t, children: c }));
      case 'mixed':
        return fc
          .tuple(
            head,
            fc.array(
              fc.oneof(
                xmlText({ minLength: 1 }),
                children.map((c) => c[0]),
              ),
              { maxLength: 4 },
            ),
          )
          .map(([node, parts]) => ({ ...node, content: mergeText(parts.filter((p) => p !== undefined)) }));
    }
  };
  return nodeOf('Response', 1);
}

/** Adjacent strings become one, as the parser reports mixed content. */
function mergeText(parts: Array<string | Record<string, unknown>>): Array<string | Record<string, unknown>> {
  const merged: Array<string | Record<string, unknown>> = [];
  for (const part of parts) {
    const last = merged[merged.length - 1];
    if (typeof part === 'string' && typeof last === 'string') merged[merged.length - 1] = last + part;
    else merged.push(part);
  }
  return merged;
}
