/**
 * Typed problems found in a document. Parsing never throws for bad input: it returns these.
 * `MarkupError` is thrown only for programming errors such as building a document with
 * characters XML cannot carry.
 */

/** What went wrong, finer-grained than the numeric code. */
export type MarkupIssueType =
  | 'too-large'
  | 'not-well-formed'
  | 'doctype'
  | 'undefined-entity'
  | 'too-deep'
  | 'root'
  | 'invalid-nesting'
  | 'invalid-text'
  | 'invalid-attribute-value'
  | 'unknown-element'
  | 'unknown-attribute'
  | 'opaque-element'
  | 'ignored-text';

export interface MarkupIssue {
  /** Compatible numeric code: 11750, 12100, 12102, 12200 or a verb attribute code (13xxx). */
  readonly code: number;
  readonly type: MarkupIssueType;
  readonly message: string;
  /** Where it happened, e.g. `Response/Gather[1]/Say[2]@loop`; empty when before the root. */
  readonly path: string;
  /** 1-based line and column of the element or attribute (of the document start when unknown). */
  readonly line: number;
  readonly column: number;
}

/** Thrown for misuse of the builder or serializer (never for bad input to the parser). */
export class MarkupError extends Error {
  override readonly name = 'MarkupError';
  readonly code: number;
  readonly path: string;

  constructor(code: number, message: string, path: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.path = path;
  }
}
