/**
 * The XML layer: checks that keep hostile input cheap (size, DOCTYPE, illegal characters),
 * well-formedness with positions, and fast-xml-parser configured so that nothing is expanded or
 * coerced. Entities are decoded here, never by the XML library: only the five predefined ones and
 * character references exist, so there is no entity to expand and nothing to read from outside.
 */
import { XMLParser } from 'fast-xml-parser';
import { ILLEGAL_XML_CHAR } from './escape.js';
import { checkWellFormed } from './wellformed.js';

/** One item of fast-xml-parser's ordered output. */
export type RawItem = { [key: string]: RawItem[] | string | Record<string, string> | undefined };

export interface XmlFailure {
  readonly type: 'not-well-formed' | 'doctype' | 'too-deep';
  readonly message: string;
  /** Offset in the text where the problem is. */
  readonly index: number;
}

/** Hard stop for the XML library's own recursion; our `maxDepth` is checked well below it. */
const LIBRARY_MAX_DEPTH = 256;

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: false,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  cdataPropName: '#cdata',
  maxNestedTags: LIBRARY_MAX_DEPTH,
});

const DTD = /<!(DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)/i;
const SUSPICIOUS_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF\uD800-\uDFFF]/;

/** Parses to fast-xml-parser's ordered tree, or says why the text is not acceptable XML. */
export function parseXml(xml: string): { ok: true; items: RawItem[] } | { ok: false; failure: XmlFailure } {
  const dtd = xml.includes('<!') ? DTD.exec(xml) : null;
  if (dtd) {
    return fail('doctype', 'DOCTYPE and entity declarations are not allowed', dtd.index);
  }
  // A plain character class screens the whole text fast; the exact test (surrogate pairs are
  // legal) runs only when something suspicious is there.
  const illegal = SUSPICIOUS_CHAR.test(xml) ? ILLEGAL_XML_CHAR.exec(xml) : null;
  if (illegal) {
    const code = illegal[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    return fail('not-well-formed', `character U+${code} is not allowed in XML`, illegal.index);
  }
  const fault = checkWellFormed(xml);
  if (fault) return fail('not-well-formed', fault.message, fault.index);
  try {
    return { ok: true, items: parser.parse(xml) as RawItem[] };
  } catch (error) {
    // The text is well-formed, so the library stopped on its nesting bound.
    const message = error instanceof Error ? error.message : String(error);
    return fail('too-deep', `elements nest too deeply (${message})`, 0);
  }
}

function fail(type: XmlFailure['type'], message: string, index: number) {
  return { ok: false as const, failure: { type, message, index } };
}

/** How many elements an item holds, itself included (to keep element ordinals in step). */
export function countElements(item: RawItem): number {
  const tag = tagOf(item);
  if (tag === undefined) return 0;
  let count = 1;
  for (const child of (item[tag] as RawItem[] | undefined) ?? []) count += countElements(child);
  return count;
}

/** The tag name of an element item, or undefined for text and CDATA. */
export function tagOf(item: RawItem): string | undefined {
  for (const key in item) {
    if (key !== ':@' && key !== '#text' && key !== '#cdata') return key;
  }
  return undefined;
}

const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/**
 * Replaces the predefined entities and character references. Returns undefined when the text
 * uses any other entity (there is no DTD to define one) or a reference to an illegal character.
 */
export function decodeEntities(text: string): string | undefined {
  let amp = text.indexOf('&');
  if (amp < 0) return text;
  let out = '';
  let from = 0;
  while (amp >= 0) {
    const semi = text.indexOf(';', amp);
    if (semi < 0 || semi - amp > 12) return undefined;
    const name = text.slice(amp + 1, semi);
    const decoded = name.startsWith('#') ? characterReference(name) : PREDEFINED[name];
    if (decoded === undefined) return undefined;
    out += text.slice(from, amp) + decoded;
    from = semi + 1;
    amp = text.indexOf('&', from);
  }
  return out + text.slice(from);
}

function characterReference(name: string): string | undefined {
  const hex = name[1] === 'x';
  const digits = name.slice(hex ? 2 : 1);
  if (!(hex ? /^[0-9a-fA-F]{1,6}$/ : /^[0-9]{1,7}$/).test(digits)) return undefined;
  const code = Number.parseInt(digits, hex ? 16 : 10);
  const legal =
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff);
  return legal ? String.fromCodePoint(code) : undefined;
}

// In well-formed XML a `<` followed by a name character starts an element, outside comments,
// CDATA sections and processing instructions.
const START_TAGS = /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>|<([A-Za-z_:])/g;

/**
 * Positions in the source, found only when an issue needs one: line starts, and the offset of
 * the n-th element in document order (the parser's tree is in that order), so parsing a good
 * document pays nothing for them.
 */
export class Positions {
  private lineStarts: number[] | undefined;
  private elementStarts: number[] | undefined;

  constructor(private readonly source: string) {}

  at(index: number): { line: number; column: number } {
    if (!this.lineStarts) {
      this.lineStarts = [0];
      for (let i = this.source.indexOf('\n'); i >= 0; i = this.source.indexOf('\n', i + 1)) {
        this.lineStarts.push(i + 1);
      }
    }
    const starts = this.lineStarts;
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((starts[mid] as number) <= index) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: index - (starts[low] as number) + 1 };
  }

  /** Offset of the `<` of the element with this ordinal (0 is the root). */
  element(ordinal: number): number {
    if (!this.elementStarts) {
      this.elementStarts = [];
      for (const match of this.source.matchAll(START_TAGS)) {
        if (match[1] !== undefined) this.elementStarts.push(match.index);
      }
    }
    return this.elementStarts[ordinal] ?? 0;
  }

  /** Offset of `name=` inside the start tag beginning at `tagStart`, or the tag itself. */
  attributeIndex(tagStart: number, name: string): number {
    const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const pattern = new RegExp(`\\s(${escaped})\\s*=`, 'g');
    pattern.lastIndex = tagStart;
    const match = pattern.exec(this.source);
    const end = this.source.indexOf('>', tagStart);
    return match && (end < 0 || match.index < end) ? match.index + 1 : tagStart;
  }
}
