/**
 * parseVoice / parseMessaging: text in, typed document or typed issues out. Never throws for
 * bad input. One generic walk, driven by the element registry of the dialect.
 *
 * @example
 * const result = parseVoice('<Response><Say loop="2">Hi</Say></Response>');
 * if (result.ok) result.document.children[0]; // { name: 'Say', attributes: { loop: 2, ... }, content: ['Hi'] }
 * else result.errors[0].path;                 // e.g. 'Response/Say[1]@loop'
 */
import { MarkupCode } from './codes.js';
import type { ElementDef } from './define.js';
import type { MarkupIssue, MarkupIssueType } from './errors.js';
import { type Dialect, dialects, type MessagingDocument, type VoiceDocument } from './verbs/index.js';
import { Walk } from './walk.js';
import { Positions, parseXml, type RawItem, tagOf } from './xml.js';

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

function utf8Length(text: string, limit: number): number {
  // Each UTF-16 code unit is at most 3 UTF-8 bytes: skip the count when it cannot matter.
  if (text.length > limit || text.length * 3 <= limit) return text.length;
  return Buffer.byteLength(text, 'utf8');
}

function parseDocument(xml: string, dialect: Dialect, options?: ParseOptions): ParseResult<unknown> {
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
    const { line, column } = new Positions(xml).at(failure.index);
    return issue(MarkupCode.ParseFailure, failure.type, failure.message, line, column);
  }
  // Well-formedness guarantees exactly one root element among declarations and comments.
  const root = parsed.items.find((item) => tagOf(item) !== undefined) as RawItem;
  const tag = tagOf(root) as string;
  const walk = new Walk(xml, dialects[dialect], maxDepth);
  if (tag !== 'Response') {
    const { line, column } = walk.positions.at(walk.positions.element(0));
    return issue(MarkupCode.RootNotResponse, 'root', `the root element must be <Response>, not <${tag}>`, line, column);
  }
  const document = walk.element(root, tag, dialects[dialect].Response as ElementDef, 'Response', 1);
  if (walk.errors.length > 0) return { ok: false, errors: walk.errors, warnings: walk.warnings };
  return { ok: true, document, warnings: walk.warnings };
}
