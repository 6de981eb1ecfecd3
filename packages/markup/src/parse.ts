/**
 * parseVoice / parseMessaging: text in, typed document or typed issues out. Never throws for
 * bad input. One generic walk, driven by the element registry of the dialect.
 *
 * @example
 * const result = parseVoice('<Response><Say loop="2">Hi</Say></Response>');
 * if (result.ok) result.document.children[0]; // { name: 'Say', attributes: { loop: 2, ... }, content: ['Hi'] }
 * else result.errors[0].path;                 // e.g. 'Response/Say[1]@loop'
 */
import * as z from 'zod';
import { MarkupCode } from './codes.js';
import type { ElementDef, OpaqueNode } from './define.js';
import type { MarkupIssue, MarkupIssueType } from './errors.js';
import { type Dialect, dialects, type MessagingDocument, type VoiceDocument } from './verbs/index.js';
import { decodeEntities, Positions, parseXml, type RawItem, startIndexOf, tagOf } from './xml.js';

export interface ParseOptions {
  /** Largest document accepted, in UTF-8 bytes. @default 65536 */
  maxBytes?: number;
  /** Deepest element nesting accepted (`<Response>` is depth 1). @default 16 */
  maxDepth?: number;
}

export type ParseResult<D> =
  | { ok: true; document: D; warnings: MarkupIssue[] }
  | { ok: false; errors: MarkupIssue[]; warnings: MarkupIssue[] };

export const DEFAULT_MAX_BYTES = 64 * 1024;
export const DEFAULT_MAX_DEPTH = 16;

/** Parses and validates a voice document (the markup an app returns for a call). */
export function parseVoice(xml: string, options?: ParseOptions): ParseResult<VoiceDocument> {
  return parseDocument(xml, 'voice', options) as ParseResult<VoiceDocument>;
}

/** Parses and validates a messaging document (the markup an app returns for a message). */
export function parseMessaging(xml: string, options?: ParseOptions): ParseResult<MessagingDocument> {
  return parseDocument(xml, 'messaging', options) as ParseResult<MessagingDocument>;
}

type AnyNode = Record<string, unknown>;

class Walk {
  readonly errors: MarkupIssue[] = [];
  readonly warnings: MarkupIssue[] = [];
  readonly positions: Positions;

  constructor(
    readonly xml: string,
    readonly registry: Readonly<Record<string, ElementDef>>,
    readonly maxDepth: number,
  ) {
    this.positions = new Positions(xml);
  }

  report(
    severity: 'error' | 'warning',
    code: number,
    type: MarkupIssueType,
    message: string,
    path: string,
    index: number,
  ) {
    const { line, column } = this.positions.at(index);
    (severity === 'error' ? this.errors : this.warnings).push({ code, type, message, path, line, column });
  }

  element(item: RawItem, tag: string, def: ElementDef, path: string, depth: number): AnyNode {
    const start = startIndexOf(item);
    const { attributes, extra } = this.attributes(item, def, path, start);
    const node: AnyNode = { name: def.name, attributes };
    if (extra) node.extra = extra;
    if (depth > this.maxDepth) {
      this.report(
        'error',
        MarkupCode.ParseFailure,
        'too-deep',
        `elements nest deeper than ${this.maxDepth} levels`,
        path,
        start,
      );
      return node;
    }
    const kind = def.content;
    const texts: string[] = [];
    const children: Array<AnyNode | OpaqueNode> = [];
    const mixed: Array<string | AnyNode | OpaqueNode> = [];
    const counts = new Map<string, number>();
    let ignoredText = false;
    for (const child of (item[tag] as RawItem[] | undefined) ?? []) {
      const childTag = tagOf(child);
      if (childTag === undefined) {
        const text = this.text(child, path, start);
        if (kind === 'mixed') {
          if (typeof mixed[mixed.length - 1] === 'string') mixed[mixed.length - 1] += text;
          else if (text !== '') mixed.push(text);
        } else if (kind === 'text' || kind === 'text+elements') texts.push(text);
        else if (!ignoredText && /\S/.test(text)) {
          ignoredText = true;
          this.report('warning', MarkupCode.Schema, 'ignored-text', `text inside <${tag}> is ignored`, path, start);
        }
        continue;
      }
      const n = (counts.get(childTag) ?? 0) + 1;
      counts.set(childTag, n);
      const childPath = `${path}/${childTag}[${n}]`;
      const converted = this.child(child, childTag, def, childPath, depth + 1);
      if (converted === undefined) continue;
      if (kind === 'mixed') mixed.push(converted);
      else children.push(converted);
    }
    if (kind === 'mixed') node.content = mixed;
    if (kind === 'elements' || kind === 'text+elements') node.children = children;
    if (kind === 'text' || kind === 'text+elements') {
      const text = texts.join('');
      node.text = text;
      if (def.text && (kind === 'text' || /\S/.test(text)) && !def.text.pattern.test(text)) {
        const code = def.codes['#text'] ?? def.codes.default;
        this.report(
          'error',
          code,
          'invalid-text',
          `<${tag}> text ${JSON.stringify(text)}: ${def.text.expected}`,
          path,
          start,
        );
      }
    }
    return node;
  }

  /** Typed attributes with defaults, and the unknown ones kept as text. */
  private attributes(item: RawItem, def: ElementDef, path: string, start: number) {
    const raw = item[':@'] as Record<string, string> | undefined;
    if (!raw) return { attributes: freshDefaults(def), extra: undefined };
    const shape = def.attributes.shape;
    const known: Record<string, string> = {};
    let extra: Record<string, string> | undefined;
    for (const name in raw) {
      const value = decodeEntities(raw[name] as string);
      if (value === undefined) {
        this.undefinedEntity(`${path}@${name}`, this.positions.attributeIndex(start, name));
        continue;
      }
      if (name in shape) known[name] = value;
      else {
        extra ??= {};
        extra[name] = value;
        const message = `<${def.name}> has no attribute ${name}; it is kept but not used`;
        this.report(
          'warning',
          MarkupCode.Schema,
          'unknown-attribute',
          message,
          `${path}@${name}`,
          this.positions.attributeIndex(start, name),
        );
      }
    }
    const decoded = z.safeDecode(def.attributes, known);
    if (decoded.success) return { attributes: decoded.data, extra };
    for (const issue of decoded.error.issues) {
      const name = String(issue.path[0]);
      const code = def.codes[name] ?? def.codes.default;
      const message = `<${def.name}> attribute ${name}="${known[name]}" is invalid: ${issue.message}`;
      this.report(
        'error',
        code,
        'invalid-attribute-value',
        message,
        `${path}@${name}`,
        this.positions.attributeIndex(start, name),
      );
    }
    return { attributes: freshDefaults(def), extra };
  }

  private child(
    item: RawItem,
    tag: string,
    parent: ElementDef,
    path: string,
    depth: number,
  ): AnyNode | OpaqueNode | undefined {
    const def = this.registry[tag];
    const start = startIndexOf(item);
    const holdsElements = parent.content !== 'none' && parent.content !== 'text';
    if (def && holdsElements && parent.children.includes(tag)) {
      if (!def.opaque) return this.element(item, tag, def, path, depth);
      const message = `<${tag}> is accepted but not carried out by Patchbay; it is kept as is`;
      this.report('warning', MarkupCode.Schema, 'opaque-element', message, path, start);
      return this.opaque(item, tag, path, depth);
    }
    if (def) {
      const message = holdsElements
        ? `<${tag}> is not allowed inside <${parent.name}>${belongsIn(this.registry, tag)}`
        : `<${parent.name}> cannot contain elements; found <${tag}>`;
      const code = parent.name === 'Gather' ? 13320 : MarkupCode.Schema;
      this.report('error', code, 'invalid-nesting', message, path, start);
      return undefined;
    }
    const kept = holdsElements ? 'kept as is' : 'ignored';
    this.report('warning', MarkupCode.Schema, 'unknown-element', `unknown element <${tag}> is ${kept}`, path, start);
    return holdsElements ? this.opaque(item, tag, path, depth) : undefined;
  }

  private opaque(item: RawItem, tag: string, path: string, depth: number): OpaqueNode {
    const start = startIndexOf(item);
    const attributes: Record<string, string> = {};
    const raw = item[':@'] as Record<string, string> | undefined;
    for (const name in raw) {
      const value = decodeEntities(raw[name] as string);
      if (value === undefined) this.undefinedEntity(`${path}@${name}`, start);
      else attributes[name] = value;
    }
    const content: Array<string | OpaqueNode> = [];
    if (depth > this.maxDepth) {
      this.report(
        'error',
        MarkupCode.ParseFailure,
        'too-deep',
        `elements nest deeper than ${this.maxDepth} levels`,
        path,
        start,
      );
      return { name: '#opaque', tag, attributes, content };
    }
    const counts = new Map<string, number>();
    for (const child of (item[tag] as RawItem[] | undefined) ?? []) {
      const childTag = tagOf(child);
      if (childTag === undefined) {
        const text = this.text(child, path, start);
        if (typeof content[content.length - 1] === 'string') content[content.length - 1] += text;
        else if (text !== '') content.push(text);
        continue;
      }
      const n = (counts.get(childTag) ?? 0) + 1;
      counts.set(childTag, n);
      content.push(this.opaque(child, childTag, `${path}/${childTag}[${n}]`, depth + 1));
    }
    return { name: '#opaque', tag, attributes, content };
  }

  private text(item: RawItem, path: string, start: number): string {
    const cdata = item['#cdata'] as RawItem[] | undefined;
    if (cdata) return (cdata[0]?.['#text'] as string | undefined) ?? '';
    const decoded = decodeEntities(item['#text'] as string);
    if (decoded !== undefined) return decoded;
    this.undefinedEntity(path, start);
    return '';
  }

  private undefinedEntity(path: string, index: number) {
    const message = 'only &lt; &gt; &amp; &quot; &apos; and character references may be used (no DTD entities)';
    this.report('error', MarkupCode.ParseFailure, 'undefined-entity', message, path, index);
  }
}

/** The element's defaults, with lists copied so no two documents share one. */
function freshDefaults(def: ElementDef): Record<string, unknown> {
  const attributes: Record<string, unknown> = { ...def.defaults };
  for (const name in attributes) {
    const value = attributes[name];
    if (Array.isArray(value)) attributes[name] = [...value];
  }
  return attributes;
}

const parentsCache = new WeakMap<object, Map<string, string[]>>();

function belongsIn(registry: Readonly<Record<string, ElementDef>>, tag: string): string {
  let parents = parentsCache.get(registry);
  if (!parents) {
    parents = new Map();
    for (const def of Object.values(registry)) {
      for (const child of def.children) parents.set(child, [...(parents.get(child) ?? []), `<${def.name}>`]);
    }
    parentsCache.set(registry, parents);
  }
  const where = parents.get(tag);
  return where ? `; it belongs in ${where.join(' or ')}` : '';
}

function utf8Length(text: string, limit: number): number {
  // Each UTF-16 code unit is at most 3 UTF-8 bytes: skip the count when it cannot matter.
  if (text.length > limit || text.length * 3 <= limit) return text.length;
  return Buffer.byteLength(text, 'utf8');
}

export function parseDocument(xml: string, dialect: Dialect, options?: ParseOptions): ParseResult<unknown> {
  const maxBytes = options?.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxDepth = options?.maxDepth ?? DEFAULT_MAX_DEPTH;
  const issue = (code: number, type: MarkupIssueType, message: string, line = 1, column = 1): ParseResult<never> => ({
    ok: false,
    errors: [{ code, type, message, path: '', line, column }],
    warnings: [],
  });
  if (typeof xml !== 'string') return issue(MarkupCode.ParseFailure, 'not-well-formed', 'the document is not text');
  const bytes = utf8Length(xml, maxBytes);
  if (bytes > maxBytes) {
    return issue(MarkupCode.TooLarge, 'too-large', `the document is larger than ${maxBytes} bytes`);
  }
  const parsed = parseXml(xml);
  if (!parsed.ok) {
    const { failure } = parsed;
    const at = failure.index === undefined ? undefined : new Positions(xml).at(failure.index);
    const line = failure.line ?? at?.line ?? 1;
    const column = failure.column ?? at?.column ?? 1;
    return issue(MarkupCode.ParseFailure, failure.type, failure.message, line, column);
  }
  const roots = parsed.items.filter((item) => tagOf(item) !== undefined);
  if (roots.length !== 1) {
    const message =
      roots.length === 0 ? 'the document has no root element' : 'the document has more than one root element';
    return issue(MarkupCode.ParseFailure, 'not-well-formed', message);
  }
  const root = roots[0] as RawItem;
  const tag = tagOf(root) as string;
  const walk = new Walk(xml, dialects[dialect], maxDepth);
  if (tag !== 'Response') {
    const { line, column } = walk.positions.at(startIndexOf(root));
    return issue(MarkupCode.RootNotResponse, 'root', `the root element must be <Response>, not <${tag}>`, line, column);
  }
  const document = walk.element(root, tag, dialects[dialect].Response as ElementDef, 'Response', 1);
  if (walk.errors.length > 0) return { ok: false, errors: walk.errors, warnings: walk.warnings };
  return { ok: true, document, warnings: walk.warnings };
}
