/**
 * The walk from fast-xml-parser's ordered tree to a typed document, driven by the element
 * registry: attributes decoded by their codecs (defaults filled in), content shaped by the
 * element's content kind, nesting checked against its allowed children. Positions are resolved
 * only when an issue is reported, from the element's ordinal in document order.
 */
import { Invalid } from './attributes.js';
import { MarkupCode } from './codes.js';
import type { ElementDef, OpaqueNode } from './define.js';
import type { MarkupIssue, MarkupIssueType } from './errors.js';
import { countElements, decodeEntities, Positions, type RawItem, tagOf } from './xml.js';

export type AnyNode = Record<string, unknown>;

/** Where an issue is: the element's ordinal in document order, and optionally an attribute. */
interface Place {
  readonly path: string;
  readonly ordinal: number;
  readonly attribute?: string;
}

export class Walk {
  readonly errors: MarkupIssue[] = [];
  readonly warnings: MarkupIssue[] = [];
  readonly positions: Positions;
  /** Ordinal of the next element in document order (0 is the root). */
  private ordinal = 0;

  constructor(
    xml: string,
    private readonly registry: Readonly<Record<string, ElementDef>>,
    private readonly maxDepth: number,
  ) {
    this.positions = new Positions(xml);
  }

  private report(severity: 'error' | 'warning', code: number, type: MarkupIssueType, message: string, place: Place) {
    const tagStart = this.positions.element(place.ordinal);
    const index = place.attribute ? this.positions.attributeIndex(tagStart, place.attribute) : tagStart;
    const { line, column } = this.positions.at(index);
    const path = place.attribute ? `${place.path}@${place.attribute}` : place.path;
    (severity === 'error' ? this.errors : this.warnings).push({ code, type, message, path, line, column });
  }

  private tooDeep(place: Place, depth: number): boolean {
    const deep = depth > this.maxDepth;
    if (deep) {
      const message = `elements nest deeper than ${this.maxDepth} levels`;
      this.report('error', MarkupCode.ParseFailure, 'too-deep', message, place);
    }
    return deep;
  }

  /** Converts an element the registry defines, and everything inside it. */
  element(item: RawItem, tag: string, def: ElementDef, path: string, depth: number): AnyNode {
    const place = { path, ordinal: this.ordinal++ };
    const { attributes, extra } = this.attributes(item, def, place);
    const node: AnyNode = { name: def.name, attributes };
    if (extra) node.extra = extra;
    const items = (item[tag] as RawItem[] | undefined) ?? [];
    if (this.tooDeep(place, depth)) {
      for (const child of items) this.ordinal += countElements(child);
      return node;
    }
    const kind = def.content;
    let text = '';
    const children: Array<AnyNode | OpaqueNode> = [];
    const mixed: Array<string | AnyNode | OpaqueNode> = [];
    let counts: Map<string, number> | undefined;
    let ignoredText = false;
    for (const child of items) {
      const childTag = tagOf(child);
      if (childTag === undefined) {
        const piece = this.text(child, place);
        if (kind === 'mixed') appendText(mixed, piece);
        else if (kind === 'text' || kind === 'text+elements') text += piece;
        else if (!ignoredText && /\S/.test(piece)) {
          ignoredText = true;
          this.report('warning', MarkupCode.Schema, 'ignored-text', `text inside <${tag}> is ignored`, place);
        }
        continue;
      }
      counts ??= new Map();
      const n = (counts.get(childTag) ?? 0) + 1;
      counts.set(childTag, n);
      const converted = this.child(child, childTag, def, `${path}/${childTag}[${n}]`, depth + 1);
      if (converted === undefined) continue;
      if (kind === 'mixed') mixed.push(converted);
      else children.push(converted);
    }
    if (kind === 'mixed') node.content = mixed;
    if (kind === 'elements' || kind === 'text+elements') node.children = children;
    if (kind === 'text' || kind === 'text+elements') {
      node.text = text;
      const rule = def.text;
      if (rule && (kind === 'text' || /\S/.test(text)) && !rule.pattern.test(text)) {
        const message = `<${tag}> text ${JSON.stringify(text)}: ${rule.expected}`;
        this.report('error', def.codes['#text'] ?? def.codes.default, 'invalid-text', message, place);
      }
    }
    return node;
  }

  /** Typed attributes with defaults filled in, and the unknown ones kept as text. */
  private attributes(item: RawItem, def: ElementDef, place: Place) {
    const attributes = freshDefaults(def);
    const raw = item[':@'] as Record<string, string> | undefined;
    let extra: Record<string, string> | undefined;
    for (const name in raw) {
      const text = decodeEntities(raw[name] as string);
      if (text === undefined) {
        this.undefinedEntity({ ...place, attribute: name });
        continue;
      }
      const decoder = def.decoders[name];
      if (decoder) {
        const decoded = decoder(text);
        if (!(decoded instanceof Invalid)) attributes[name] = decoded;
        else {
          const message = `<${def.name}> attribute ${name}="${text}" is invalid: ${decoded.expected}`;
          const code = def.codes[name] ?? def.codes.default;
          this.report('error', code, 'invalid-attribute-value', message, { ...place, attribute: name });
        }
        continue;
      }
      extra ??= {};
      extra[name] = text;
      const message = `<${def.name}> has no attribute ${name}; it is kept but not used`;
      this.report('warning', MarkupCode.Schema, 'unknown-attribute', message, { ...place, attribute: name });
    }
    return { attributes, extra };
  }

  /** A child element: converted, kept opaque, or reported and skipped. */
  private child(
    item: RawItem,
    tag: string,
    parent: ElementDef,
    path: string,
    depth: number,
  ): AnyNode | OpaqueNode | undefined {
    const def = this.registry[tag];
    const holdsElements = parent.content !== 'none' && parent.content !== 'text';
    if (def && holdsElements && parent.allowed.has(tag)) {
      if (!def.opaque) return this.element(item, tag, def, path, depth);
      const message = `<${tag}> is accepted but not carried out by Patchbay: skipped (kept in the parsed document as it is)`;
      this.report('warning', MarkupCode.Schema, 'opaque-element', message, { path, ordinal: this.ordinal });
      return this.opaque(item, tag, path, depth);
    }
    const place = { path, ordinal: this.ordinal };
    if (def) {
      const message = holdsElements
        ? `<${tag}> is not allowed inside <${parent.name}>${this.belongsIn(tag)}`
        : `<${parent.name}> cannot contain elements; found <${tag}>`;
      const code = parent.name === 'Gather' ? MarkupCode.GatherNesting : MarkupCode.Schema;
      this.report('error', code, 'invalid-nesting', message, place);
      this.ordinal += countElements(item);
      return undefined;
    }
    const kept = holdsElements ? 'skipped (kept in the parsed document as it is)' : 'ignored';
    this.report('warning', MarkupCode.Schema, 'unknown-element', `unknown element <${tag}>: ${kept}`, place);
    if (holdsElements) return this.opaque(item, tag, path, depth);
    this.ordinal += countElements(item);
    return undefined;
  }

  /** An element kept verbatim, attributes as text. */
  private opaque(item: RawItem, tag: string, path: string, depth: number): OpaqueNode {
    const place = { path, ordinal: this.ordinal++ };
    const attributes: Record<string, string> = {};
    const raw = item[':@'] as Record<string, string> | undefined;
    for (const name in raw) {
      const value = decodeEntities(raw[name] as string);
      if (value === undefined) this.undefinedEntity({ ...place, attribute: name });
      else attributes[name] = value;
    }
    const content: Array<string | OpaqueNode> = [];
    const items = (item[tag] as RawItem[] | undefined) ?? [];
    if (this.tooDeep(place, depth)) {
      for (const child of items) this.ordinal += countElements(child);
      return { name: '#opaque', tag, attributes, content };
    }
    const counts = new Map<string, number>();
    for (const child of items) {
      const childTag = tagOf(child);
      if (childTag === undefined) {
        appendText(content, this.text(child, place));
        continue;
      }
      const n = (counts.get(childTag) ?? 0) + 1;
      counts.set(childTag, n);
      content.push(this.opaque(child, childTag, `${path}/${childTag}[${n}]`, depth + 1));
    }
    return { name: '#opaque', tag, attributes, content };
  }

  private text(item: RawItem, place: Place): string {
    const cdata = item['#cdata'] as RawItem[] | undefined;
    if (cdata) return (cdata[0]?.['#text'] as string | undefined) ?? '';
    const decoded = decodeEntities(item['#text'] as string);
    if (decoded !== undefined) return decoded;
    this.undefinedEntity(place);
    return '';
  }

  private undefinedEntity(place: Place) {
    const message = 'only &lt; &gt; &amp; &quot; &apos; and character references may be used (no DTD entities)';
    this.report('error', MarkupCode.ParseFailure, 'undefined-entity', message, place);
  }

  private belongsIn(tag: string): string {
    const parents = Object.values(this.registry)
      .filter((def) => def.children.includes(tag))
      .map((def) => `<${def.name}>`);
    return parents.length > 0 ? `; it belongs in ${parents.join(' or ')}` : '';
  }
}

/** Adds text to mixed content, merging with a preceding string. */
function appendText<T>(content: Array<string | T>, text: string): void {
  const last = content.length - 1;
  if (typeof content[last] === 'string') content[last] += text;
  else if (text !== '') content.push(text);
}

/** The element's defaults, with lists copied so no two documents share one. */
function freshDefaults(def: ElementDef): Record<string, unknown> {
  const attributes: Record<string, unknown> = { ...def.defaults };
  for (const name of def.listDefaults) attributes[name] = [...(attributes[name] as unknown[])];
  return attributes;
}
