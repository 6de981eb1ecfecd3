/**
 * The builder's element tree and its rendering. Rendering follows the helper library's XML
 * writer rule for rule (attribute order as given, null/undefined attributes skipped, arrays
 * joined by a space, text appended only when not null, elements whose content is empty written
 * self-closing), so the same calls give the same bytes.
 */
import { MarkupCode } from '../codes.js';
import { MarkupError } from '../errors.js';
import { assertLegal, escapeAttribute, escapeText, XML_DECLARATION } from '../escape.js';

export type AttributeInput = Readonly<Record<string, unknown>>;

type Child = XmlElement | { readonly text: string } | { readonly comment: string };

interface XmlElement {
  readonly tag: string;
  readonly attributes: AttributeInput;
  readonly children: Child[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_.:-]*$/;

function checkName(name: string, path: string): string {
  if (!NAME.test(name)) throw new MarkupError(MarkupCode.ParseFailure, `"${name}" is not a valid XML name`, path);
  return name;
}

function checkComment(text: string): string {
  if (text.includes('--') || text.endsWith('-')) {
    throw new MarkupError(MarkupCode.ParseFailure, 'a comment cannot contain "--" or end with "-"', 'Response');
  }
  assertLegal(text, 'Response');
  return text;
}

function render(element: XmlElement, path: string): string {
  let out = `<${checkName(element.tag, path)}`;
  for (const [name, value] of Object.entries(element.attributes)) {
    if (value === null || value === undefined) continue;
    const text = Array.isArray(value) ? value.join(' ') : String(value);
    out += ` ${checkName(name, path)}="${escapeAttribute(text, `${path}@${name}`)}"`;
  }
  let inner = '';
  const counts = new Map<string, number>();
  for (const child of element.children) {
    if ('tag' in child) {
      const n = (counts.get(child.tag) ?? 0) + 1;
      counts.set(child.tag, n);
      inner += render(child, `${path}/${child.tag}[${n}]`);
    } else if ('text' in child) inner += escapeText(child.text, path);
    else inner += `<!-- ${checkComment(child.comment)} -->`;
  }
  return inner === '' ? `${out}/>` : `${out}>${inner}</${element.tag}>`;
}

/** A node of a document under construction. Every node can take text and arbitrary children. */
export class BuilderNode {
  /** @internal */
  protected readonly element: XmlElement;

  /** @internal */
  constructor(element: XmlElement) {
    this.element = element;
  }

  /** @internal Adds a child element; `attributes` may be the text, as in `say('Hello')`. */
  protected add<T>(
    Kind: new (element: XmlElement) => T,
    tag: string,
    attributes: AttributeInput | string | undefined,
    text?: unknown,
  ): T {
    let attrs = attributes;
    let content = text;
    if (typeof attrs === 'string') {
      content = attrs;
      attrs = {};
    }
    const element: XmlElement = { tag, attributes: attrs ?? {}, children: [] };
    if (content !== null && content !== undefined) element.children.push({ text: String(content) });
    this.element.children.push(element);
    return new Kind(element);
  }

  /** Appends text content. */
  addText(content: string): void {
    this.element.children.push({ text: String(content) });
  }

  /** Appends an element the builder has no method for. */
  addChild(tagName: string, attributes?: AttributeInput): GenericNode {
    return this.add(GenericNode, tagName, attributes ?? {});
  }
}

/** An element added with `addChild`. */
export class GenericNode extends BuilderNode {}

/** Base of VoiceResponse and MessagingResponse: the `<Response>` root and its comments. */
export class ResponseBuilder extends BuilderNode {
  private readonly before: string[] = [];
  private readonly after: string[] = [];

  constructor() {
    super({ tag: 'Response', attributes: {}, children: [] });
  }

  /** Adds `<!-- comment -->` inside `<Response>`. */
  comment(comment: string): void {
    this.element.children.push({ comment });
  }

  /** Adds a comment before `<Response>`. */
  commentBefore(comment: string): void {
    this.before.push(comment);
  }

  /** Adds a comment after `<Response>`. */
  commentAfter(comment: string): void {
    this.after.push(comment);
  }

  /** The document as markup, byte-identical to the helper library's output for the same calls. */
  override toString(): string {
    const comments = (list: string[]) => list.map((c) => `<!-- ${checkComment(c)} -->`).join('');
    return XML_DECLARATION + comments(this.before) + render(this.element, 'Response') + comments(this.after);
  }
}
