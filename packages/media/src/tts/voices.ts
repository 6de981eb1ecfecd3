/**
 * Say's voices and languages as espeak-ng voices. Languages: the tag itself when espeak-ng 1.51
 * has it, else a nearby one it has (en-AU → en-gb, zh-CN → cmn, ...), else its primary subtag,
 * else American English (speech in the wrong accent beats silence; `fallback` says so).
 * Voices: man is espeak's default male, woman and alice female variants; Polly and Google voice
 * names by their gender (Google names also carry their language, which wins).
 *
 * @example
 * espeakVoice({ voice: 'Polly.Joanna', language: 'en-GB' }); // { name: 'en-gb+f3', fallback: false }
 */
import type { SayVoice } from './types.js';

/** The languages of `espeak-ng --voices` (1.51, Debian 12). */
const ESPEAK_LANGUAGES = new Set(
  (
    'af am an ar as az ba be bg bn bpy bs ca chr-us-qaaa-x-west cmn cmn-latn-pinyin cs cv cy da de el en-029 ' +
    'en-gb en-gb-scotland en-gb-x-gbclan en-gb-x-gbcwmd en-gb-x-rp en-us en-us-nyc eo es es-419 et eu fa ' +
    'fa-latn fi fr-be fr-ch fr-fr ga gd gn grc gu hak haw he hi hr ht hu hy hyw ia id io is it ja jbo ka kk ' +
    'kl kn ko kok ku ky la lb lfn lt ltg lv mi mk ml mr ms mt my nb nci ne nl nog om or pa pap piqd pl pt ' +
    'pt-br py qdb qu quc qya ro ru ru-lv sd shn si sjn sk sl smj sq sr sv sw ta te th tk tn tr tt ug uk ur ' +
    'uz vi vi-vn-x-central vi-vn-x-south yue'
  ).split(' '),
);

/** Tags the hosted service's voices use that espeak-ng names differently. */
const NEARBY: Record<string, string> = {
  en: 'en-us',
  'en-au': 'en-gb',
  'en-nz': 'en-gb',
  'en-ie': 'en-gb',
  'en-za': 'en-gb',
  'en-in': 'en-gb',
  'en-ca': 'en-us',
  'en-gb-wls': 'en-gb',
  'es-mx': 'es-419',
  'es-us': 'es-419',
  fr: 'fr-fr',
  'fr-ca': 'fr-fr',
  'pt-pt': 'pt',
  zh: 'cmn',
  'zh-cn': 'cmn',
  'zh-tw': 'cmn',
  'cmn-cn': 'cmn',
  'cmn-tw': 'cmn',
  'zh-hk': 'yue',
  'yue-hk': 'yue',
  arb: 'ar',
  no: 'nb',
  'nb-no': 'nb',
  'nn-no': 'nb',
  'fil-ph': 'id',
};

/** Polly voices that are male (the others are female). */
const POLLY_MALE = new Set(
  (
    'matthew joey justin kevin brian russell geraint arthur enrique miguel pedro sergio andres mathieu remi ' +
    'liam hans daniel giorgio adriano takumi jacek jan ricardo cristiano thiago maxim karl mads ruben ' +
    'gregory stephen hala-male zayd'
  ).split(' '),
);

/** Google en-US voice letters that are male; other languages vary, so they default to female. */
const GOOGLE_MALE_LETTERS = new Set(['A', 'B', 'D', 'I', 'J']);

export interface EspeakVoice {
  /** What `espeak-ng -v` takes: language plus variant, e.g. `en-us+f3`. */
  readonly name: string;
  /** True when the language was not found and American English stands in. */
  readonly fallback: boolean;
}

function espeakLanguage(tag: string): { language: string; fallback: boolean } {
  const lower = tag.trim().toLowerCase().replace(/_/g, '-');
  if (ESPEAK_LANGUAGES.has(lower)) return { language: lower, fallback: false };
  const near = NEARBY[lower];
  if (near) return { language: near, fallback: false };
  const primary = lower.split('-')[0] ?? '';
  if (ESPEAK_LANGUAGES.has(primary)) return { language: primary, fallback: false };
  const nearPrimary = NEARBY[primary];
  if (nearPrimary) return { language: nearPrimary, fallback: false };
  return { language: 'en-us', fallback: true };
}

function variant(voice: string): { gender: 'male' | 'female'; language?: string } {
  const lower = voice.toLowerCase();
  if (lower === 'man') return { gender: 'male' };
  if (lower === 'woman' || lower === 'alice') return { gender: 'female' };
  const google = /^google\.([a-z]{2,3}-[a-z]{2,4})-[a-z0-9]+-([a-z])$/i.exec(voice);
  if (google) {
    const [, language = '', letter = ''] = google;
    const male = language.toLowerCase() === 'en-us' && GOOGLE_MALE_LETTERS.has(letter.toUpperCase());
    return { gender: male ? 'male' : 'female', language };
  }
  const polly = /^polly\.([a-z-]+?)(?:-neural|-generative)?$/i.exec(voice);
  if (polly) return { gender: POLLY_MALE.has((polly[1] ?? '').toLowerCase()) ? 'male' : 'female' };
  return { gender: 'male' };
}

export function espeakVoice(say: SayVoice): EspeakVoice {
  const { gender, language: fromVoice } = variant(say.voice);
  const { language, fallback } = espeakLanguage(fromVoice ?? say.language);
  const suffix = gender === 'female' ? (say.voice.toLowerCase() === 'alice' ? '+f2' : '+f3') : '';
  return { name: `${language}${suffix}`, fallback };
}
