/**
 * serialize(document) writes a typed document back to markup, in the helper library's compact
 * form. Attributes equal to their default are left out (parsing puts them back), so
 * `parseVoice(serialize(doc))` gives `doc` again.
 *
 * @example
 * serialize({ name: 'Response', attributes: {}, children: [hangupNode] });
 * // '<?xml version="1.0" encoding="UTF-8"?><Response><Hangup/></Response>'
 */
import * as z from 'zod';
import { MarkupCode } from './codes.js';
import type { ElementDef, OpaqueNode } from './define.js';
import { MarkupError } from './errors.js';
import { escapeAttribute, escapeText, XML_DECLARATION } from './escape.js';
import { type MessagingDocument, messagingElements, type VoiceDocument, voiceElements } from './verbs/index.js';

// Names are unique across the two dialects except Response and Redirect, which are defined alike.
const byName: Readonly<Record<string, ElementDef>> = { ...voiceElements, ...messagingElements };

type AnyNode = {
  name: string;
  tag?: string;
  attributes: Record<string, unknown>;
  extra?: Record<string, string>;
  text?: string;
  children?: AnyNode[];
  content?: Array<string | AnyNode>;
};

/** Writes a voice or messaging document as markup. Throws `MarkupError` for invalid values. */
export function serialize(document: VoiceDocument | MessagingDocument): string {
  return XML_DECLARATION + writeNode(document as AnyNode, 'Response');
}

function writeNode(node: AnyNode, path: string): string {
  if (node.name === '#opaque') return writeOpaque(node as unknown as OpaqueNode, path);
  const def = byName[node.name];
  if (!def) throw new MarkupError(MarkupCode.Schema, `unknown element <${node.name}>`, path);
  let out = `<${node.name}${writeAttributes(def, node, path)}`;
  let inner = '';
  if (node.text !== undefined) inner += escapeText(node.text, path);
  const counts = new Map<string, number>();
  const childPath = (child: AnyNode) => {
    const tag = child.name === '#opaque' ? (child.tag as string) : child.name;
    const n = (counts.get(tag) ?? 0) + 1;
    counts.set(tag, n);
    return `${path}/${tag}[${n}]`;
  };
  for (const child of node.children ?? []) inner += writeNode(child, childPath(child));
  for (const part of node.content ?? []) {
    inner += typeof part === 'string' ? escapeText(part, path) : writeNode(part, childPath(part));
  }
  out += inner === '' ? '/>' : `>${inner}</${node.name}>`;
  return out;
}

function writeAttributes(def: ElementDef, node: AnyNode, path: string): string {
  const encoded = z.safeEncode(def.attributes, node.attributes);
  if (!encoded.success) {
    const issue = encoded.error.issues[0] as z.core.$ZodIssue;
    const name = String(issue.path[0]);
    const code = def.codes[name] ?? def.codes.default;
    throw new MarkupError(code, `<${def.name}> attribute ${name} is invalid: ${issue.message}`, `${path}@${name}`);
  }
  let out = '';
  for (const [name, value] of Object.entries(encoded.data as Record<string, string | undefined>)) {
    if (value === undefined || def.encodedDefaults[name] === value) continue;
    out += ` ${name}="${escapeAttribute(value, `${path}@${name}`)}"`;
  }
  for (const [name, value] of Object.entries(node.extra ?? {})) {
    out += ` ${name}="${escapeAttribute(value, `${path}@${name}`)}"`;
  }
  return out;
}

function writeOpaque(node: OpaqueNode, path: string): string {
  let out = `<${node.tag}`;
  for (const [name, value] of Object.entries(node.attributes)) {
    out += ` ${name}="${escapeAttribute(value, `${path}@${name}`)}"`;
  }
  let inner = '';
  const counts = new Map<string, number>();
  for (const part of node.content) {
    if (typeof part === 'string') inner += escapeText(part, path);
    else {
      const n = (counts.get(part.tag) ?? 0) + 1;
      counts.set(part.tag, n);
      inner += writeOpaque(part, `${path}/${part.tag}[${n}]`);
    }
  }
  return inner === '' ? `${out}/>` : `${out}>${inner}</${node.tag}>`;
}
