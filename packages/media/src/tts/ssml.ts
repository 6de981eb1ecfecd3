/**
 * The SSML inside Say, as espeak-ng can speak it (`espeak-ng -m`). Input is text that may hold
 * SSML elements (as `ssmlFromContent` writes them from the markup's Say content, or as an app
 * wrote them); a `<` that does not open a known element and an `&` that does not start an
 * entity are plain text. Output is one `<speak>` document with only what espeak-ng honours:
 *
 * - break (time, capped at 10 s; strength), prosody (rate, pitch, volume), emphasis, p, s;
 * - say-as digits / characters / spell-out / telephone → espeak-ng's `characters` (digit by
 *   digit); other say-as kinds are read as plain text (espeak-ng reads numbers and dates itself);
 * - sub → its alias; lang, phoneme, w, speak, amazon:* and anything else → their text only.
 *
 * @example
 * toEspeakSsml('Your code is <say-as interpret-as="digits">42</say-as>');
 * // '<speak>Your code is <say-as interpret-as="characters">42</say-as></speak>'
 */
const KNOWN =
  /<(\/?)(speak|break|emphasis|lang|p|phoneme|prosody|s|say-as|sub|w|amazon:[a-z-]+|mark|voice|audio)(\s[^<>]*?)?\s*(\/?)>/gi;
const ATTRIBUTE = /([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
const ENTITY = /&(amp|lt|gt|quot|apos|#\d{1,7}|#x[0-9a-f]{1,6});/gi;
const SPELLED = new Set(['digits', 'characters', 'spell-out', 'telephone']);
const PROSODY_VALUE =
  /^(x-slow|slow|medium|fast|x-fast|x-low|low|high|x-high|silent|x-soft|soft|loud|x-loud|default|[+-]?\d{1,4}(\.\d{1,3})?(%|hz|st|db)?)$/i;
const MAX_BREAK_MS = 10_000;

function decodeEntities(text: string): string {
  return text.replace(ENTITY, (_, name: string) => {
    const lower = name.toLowerCase();
    if (lower.startsWith('#')) {
      const code = lower.startsWith('#x') ? Number.parseInt(lower.slice(2), 16) : Number(lower.slice(1));
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '';
    }
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[lower] ?? '';
  });
}

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttribute(value: string): string {
  return escapeText(value).replace(/"/g, '&quot;');
}

function attributes(source: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const match of (source ?? '').matchAll(ATTRIBUTE))
    out.set((match[1] ?? '').toLowerCase(), decodeEntities(match[2] ?? match[3] ?? ''));
  return out;
}

function breakTag(attrs: Map<string, string>): string {
  const time = /^(\d+(?:\.\d+)?)(ms|s)$/.exec(attrs.get('time') ?? '');
  if (time) {
    const ms = Math.min(MAX_BREAK_MS, Number(time[1]) * (time[2] === 's' ? 1000 : 1));
    return `<break time="${Math.round(ms)}ms"/>`;
  }
  const strength = attrs.get('strength');
  if (strength && /^(none|x-weak|weak|medium|strong|x-strong)$/.test(strength))
    return `<break strength="${strength}"/>`;
  return '<break/>';
}

function prosodyTag(attrs: Map<string, string>): string {
  const kept = ['rate', 'pitch', 'volume']
    .filter((name) => PROSODY_VALUE.test(attrs.get(name) ?? ''))
    .map((name) => ` ${name}="${escapeAttribute(attrs.get(name) ?? '')}"`);
  return `<prosody${kept.join('')}>`;
}

/** Turns Say's text (plain, or holding SSML elements) into an espeak-ng SSML document. */
export function toEspeakSsml(text: string): string {
  const out: string[] = ['<speak>'];
  /** For each open element, what closes it in the output ('' when it was dropped). */
  const open: Array<{ name: string; close: string }> = [];
  /** Inside `<sub alias>`: its content is replaced by the alias. */
  let inSub = 0;
  let at = 0;
  const emitText = (raw: string) => {
    if (inSub === 0) out.push(escapeText(decodeEntities(raw)));
  };
  for (const match of text.matchAll(KNOWN)) {
    emitText(text.slice(at, match.index));
    at = match.index + match[0].length;
    const [, slash, rawName = '', rawAttrs, selfClosing] = match;
    const name = rawName.toLowerCase();
    if (slash) {
      const index = open.findLastIndex((element) => element.name === name);
      if (index < 0) continue;
      for (const element of open.splice(index).reverse()) {
        if (element.name === 'sub') inSub = Math.max(0, inSub - 1);
        out.push(element.close);
      }
      continue;
    }
    const attrs = attributes(rawAttrs);
    if (name === 'break') {
      if (inSub === 0) out.push(breakTag(attrs));
      continue;
    }
    if (selfClosing) continue;
    let tag = '';
    let close = '';
    if (name === 'prosody') [tag, close] = [prosodyTag(attrs), '</prosody>'];
    else if (name === 'emphasis') [tag, close] = ['<emphasis>', '</emphasis>'];
    else if (name === 'p' || name === 's') [tag, close] = [`<${name}>`, `</${name}>`];
    else if (name === 'say-as' && SPELLED.has(attrs.get('interpret-as') ?? ''))
      [tag, close] = ['<say-as interpret-as="characters">', '</say-as>'];
    else if (name === 'sub') {
      if (inSub === 0) out.push(escapeText(attrs.get('alias') ?? ''));
      inSub++;
    }
    if (inSub === 0 || name === 'sub') out.push(tag);
    open.push({ name, close: inSub > 0 && name !== 'sub' ? '' : close });
  }
  emitText(text.slice(at));
  for (const element of open.reverse()) out.push(element.close);
  out.push('</speak>');
  return out.join('');
}

/** The markup's Say content (text and SSML nodes, structurally), as SSML text for `synthesize`. */
export type SsmlContent = ReadonlyArray<string | SsmlContentNode>;
export interface SsmlContentNode {
  readonly name: string;
  /** An element the markup kept without knowing it (`name` is `#opaque`). */
  readonly tag?: string;
  readonly attributes?: Readonly<Record<string, unknown>>;
  readonly content?: SsmlContent;
}

export function ssmlFromContent(content: SsmlContent): string {
  return content
    .map((part) => {
      if (typeof part === 'string') return escapeText(part);
      const name = part.name === '#opaque' ? (part.tag ?? '') : part.name;
      const attrs = Object.entries(part.attributes ?? {})
        .filter(([, value]) => value !== undefined)
        .map(([key, value]) => ` ${key}="${escapeAttribute(String(value))}"`)
        .join('');
      const inner = part.content ? ssmlFromContent(part.content) : '';
      return part.content && part.content.length > 0 ? `<${name}${attrs}>${inner}</${name}>` : `<${name}${attrs}/>`;
    })
    .join('');
}
