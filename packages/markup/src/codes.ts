/**
 * Numeric codes shared with the widely used hosted API, so that logs, alerts and dashboards
 * built for it read the same with Patchbay. Attribute codes (13xxx) live beside each verb's
 * schema; these are the document-level ones.
 */
export const MarkupCode = {
  /** The document is larger than the 64 KiB limit. */
  TooLarge: 11750,
  /** The document is not well-formed XML, declares a DOCTYPE, or nests too deeply. */
  ParseFailure: 12100,
  /** The root element is not `<Response>`. */
  RootNotResponse: 12102,
  /** Schema problem: unknown element or attribute (warning), or an element in the wrong place. */
  Schema: 12200,
  /** `<Gather>` holds an element other than `<Say>`, `<Play>` and `<Pause>`. */
  GatherNesting: 13320,
} as const;

export type MarkupCode = (typeof MarkupCode)[keyof typeof MarkupCode];
