/**
 * How an element (verb, noun or SSML tag) is described: its attribute schema, what it may
 * contain, and the code reported for a bad value of each attribute. Parser, serializer, builder
 * types and docs all read these definitions; nothing else lists attributes.
 */
import * as z from 'zod';
import { type Decoder, decoderOf } from './attributes.js';

/**
 * What an element may contain:
 * - `none`: nothing (Pause, Record);
 * - `text`: text only (Play's URL, Number's phone number);
 * - `elements`: child elements only (Gather, Response);
 * - `text+elements`: text and child elements (Dial's number or nouns, Message's body or Body/Media);
 * - `mixed`: text interleaved with child elements, order kept (Say with SSML).
 */
export type ContentKind = 'none' | 'text' | 'elements' | 'text+elements' | 'mixed';

// biome-ignore lint/suspicious/noExplicitAny: the registry holds schemas of every shape
export type AnyAttributes = z.ZodObject<any>;

export interface TextRule {
  readonly pattern: RegExp;
  /** Said in the error, e.g. `expected a phone number`. */
  readonly expected: string;
}

export interface ElementDef<
  N extends string = string,
  A extends AnyAttributes = AnyAttributes,
  K extends ContentKind = ContentKind,
> {
  readonly name: N;
  readonly summary: string;
  readonly attributes: A;
  readonly content: K;
  /** Names of the elements allowed inside. */
  readonly children: readonly string[];
  /** The same names as a set, for the parser's per-element check. */
  readonly allowed: ReadonlySet<string>;
  /** Code for an invalid value of each attribute; `default` for attributes not listed. */
  readonly codes: { readonly default: number } & { readonly [attribute: string]: number };
  /** Accepted and kept verbatim but not interpreted; reported with a 12200 warning. */
  readonly opaque: boolean;
  /** What the text content must look like (checked when non-empty; reported with `codes['#text']`). */
  readonly text?: TextRule;
  /** Attribute values when the document does not set them. */
  readonly defaults: z.output<A>;
  /** The same defaults in their serialized form, to leave them out of written documents. */
  readonly encodedDefaults: Readonly<Record<string, string>>;
  /** Each attribute's codec decode function, by attribute name. */
  readonly decoders: Readonly<Record<string, Decoder>>;
  /** Attributes whose default is a list: copied for each document so none is shared. */
  readonly listDefaults: readonly string[];
}

export function defineElement<const N extends string, A extends AnyAttributes, const K extends ContentKind>(spec: {
  name: N;
  summary: string;
  attributes: A;
  content: K;
  children?: readonly string[];
  codes: { default: number } & { [attribute: string]: number };
  opaque?: boolean;
  text?: TextRule;
}): ElementDef<N, A, K> {
  const defaults = z.decode(spec.attributes, {} as z.input<A>) as z.output<A>;
  const encodedDefaults = z.encode(spec.attributes, defaults) as Record<string, string>;
  const decoders = Object.fromEntries(
    Object.entries(spec.attributes.shape as Record<string, unknown>).map(([name, schema]) => [name, decoderOf(schema)]),
  );
  const children = spec.children ?? [];
  const listDefaults = Object.keys(defaults).filter((name) => Array.isArray(defaults[name as keyof typeof defaults]));
  return {
    ...spec,
    children,
    allowed: new Set(children),
    opaque: spec.opaque ?? false,
    defaults,
    encodedDefaults,
    decoders,
    listDefaults,
  };
}

/**
 * An element kept verbatim: a niche verb Patchbay does not interpret (Pay, Echo, ...) or an
 * element the schema does not know. Its attributes stay text.
 */
export interface OpaqueNode {
  readonly name: '#opaque';
  readonly tag: string;
  attributes: Record<string, string>;
  content: Array<string | OpaqueNode>;
}

type ContentOf<K extends ContentKind, C> = K extends 'none'
  ? unknown
  : K extends 'text'
    ? { text: string }
    : K extends 'elements'
      ? { children: Array<C | OpaqueNode> }
      : K extends 'text+elements'
        ? { text: string; children: Array<C | OpaqueNode> }
        : { content: Array<string | C | OpaqueNode> };

/**
 * The typed node of an element: `attributes` hold real types with defaults applied; attributes
 * the schema does not know are kept as text in `extra` (present only when there are some).
 */
export type NodeOf<D extends ElementDef, C = never> = NodeHead<D> & ContentOf<D['content'], C>;

/** Name and attributes of a node, without its content (for self-nesting types such as SSML). */
export type NodeHead<D extends ElementDef> = {
  readonly name: D['name'];
  attributes: z.output<D['attributes']>;
  extra?: Record<string, string>;
};

/** Attribute values accepted by the builder: the typed value, or its text as the helper allows. */
export type BuilderValue<T> = T extends boolean
  ? boolean | 'true' | 'false'
  : T extends number
    ? number | `${number}`
    : T extends readonly (infer E)[]
      ? readonly E[] | string
      : T;

export type BuilderAttributes<D extends ElementDef> = {
  [K in keyof z.output<D['attributes']>]?: BuilderValue<z.output<D['attributes']>[K]>;
};
