/**
 * SSML tags allowed inside `<Say>`. Values are passed to the speech engine, so they are checked
 * only where the set of values is closed (break strength, emphasis level, say-as, ...).
 */
import * as z from 'zod';
import { attr } from '../attributes.js';
import { defineElement, type ElementDef, type NodeHead, type NodeOf, type OpaqueNode } from '../define.js';

export const SSML_NAMES = ['break', 'emphasis', 'lang', 'p', 'phoneme', 'prosody', 's', 'say-as', 'sub', 'w'] as const;

const SSML_CODE = 13520;

function container<const N extends string, A extends z.ZodObject>(name: N, summary: string, attributes: A) {
  return defineElement({
    name,
    summary,
    attributes,
    content: 'mixed',
    children: SSML_NAMES,
    codes: { default: SSML_CODE },
  });
}

export const ssmlBreak = defineElement({
  name: 'break',
  summary: 'SSML: a pause in speech.',
  attributes: z.object({
    strength: attr.oneOf(['none', 'x-weak', 'weak', 'medium', 'strong', 'x-strong']).optional(),
    time: attr.text(/^\d+(\.\d+)?m?s$/, 'expected a duration such as 500ms or 2s').optional(),
  }),
  content: 'none',
  codes: { default: SSML_CODE },
});
export const ssmlEmphasis = container(
  'emphasis',
  'SSML: emphasize words.',
  z.object({ level: attr.oneOf(['strong', 'moderate', 'reduced']).optional() }),
);
export const ssmlLang = container(
  'lang',
  'SSML: speak words in another language.',
  z.object({ 'xml:lang': attr.language().optional() }),
);
export const ssmlP = container('p', 'SSML: a paragraph.', z.object({}));
export const ssmlPhoneme = container(
  'phoneme',
  'SSML: phonetic pronunciation.',
  z.object({
    alphabet: attr
      .oneOf(['ipa', 'x-sampa', 'x-amazon-jyutping', 'x-amazon-pinyin', 'x-amazon-pron-kana', 'x-amazon-yomigana'])
      .optional(),
    ph: attr.text().optional(),
  }),
);
export const ssmlProsody = container(
  'prosody',
  'SSML: volume, rate and pitch.',
  z.object({ pitch: attr.text().optional(), rate: attr.text().optional(), volume: attr.text().optional() }),
);
export const ssmlS = container('s', 'SSML: a sentence.', z.object({}));
export const ssmlSayAs = container(
  'say-as',
  'SSML: how to read a value (digits, date, ...).',
  z.object({
    'interpret-as': attr
      .oneOf([
        'characters',
        'spell-out',
        'cardinal',
        'number',
        'ordinal',
        'digits',
        'fraction',
        'unit',
        'date',
        'time',
        'address',
        'expletive',
        'telephone',
      ])
      .optional(),
    format: attr.oneOf(['mdy', 'dmy', 'ymd', 'md', 'dm', 'ym', 'my', 'd', 'm', 'y', 'yyyymmdd']).optional(),
  }),
);
export const ssmlSub = container('sub', 'SSML: say an alias instead.', z.object({ alias: attr.text().optional() }));
export const ssmlW = container('w', 'SSML: a word with a role.', z.object({ role: attr.text().optional() }));

export type SsmlBreakNode = NodeOf<typeof ssmlBreak>;

/** An SSML tag that holds text and other SSML tags, in order. */
export interface SsmlContainerNode<D extends ElementDef> extends NodeHead<D> {
  content: Array<string | SsmlNode | OpaqueNode>;
}

export type SsmlNode =
  | SsmlBreakNode
  | SsmlContainerNode<typeof ssmlEmphasis>
  | SsmlContainerNode<typeof ssmlLang>
  | SsmlContainerNode<typeof ssmlP>
  | SsmlContainerNode<typeof ssmlPhoneme>
  | SsmlContainerNode<typeof ssmlProsody>
  | SsmlContainerNode<typeof ssmlS>
  | SsmlContainerNode<typeof ssmlSayAs>
  | SsmlContainerNode<typeof ssmlSub>
  | SsmlContainerNode<typeof ssmlW>;

export const ssmlElements = {
  break: ssmlBreak,
  emphasis: ssmlEmphasis,
  lang: ssmlLang,
  p: ssmlP,
  phoneme: ssmlPhoneme,
  prosody: ssmlProsody,
  s: ssmlS,
  'say-as': ssmlSayAs,
  sub: ssmlSub,
  w: ssmlW,
} as const;
