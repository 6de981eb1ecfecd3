/**
 * The reference section of docs/markup.md, written from the element registry so the docs cannot
 * drift from the schemas (docs.test.ts compares them; UPDATE_DOCS=1 rewrites them).
 */
import type { ElementDef } from '../define.js';
import { messagingElements, VOICE_VERBS, voiceElements } from '../verbs/index.js';
import { defOf } from './arbitraries.js';

function describeType(schema: unknown): string {
  const def = defOf(schema);
  switch (def.type) {
    case 'optional':
    case 'default':
      return describeType(def.innerType);
    case 'pipe':
      return describeType(def.out);
    case 'number': {
      const n = schema as { minValue: number; maxValue: number };
      return `integer ${n.minValue}–${n.maxValue}`;
    }
    case 'boolean':
      return 'true, false';
    case 'enum':
      return (schema as { options: string[] }).options.join(', ');
    case 'literal':
      return (def.values as string[]).join(', ');
    case 'array':
      return `list of ${describeType(def.element)}`;
    case 'union':
      return (def.options as unknown[]).map(describeType).join(' or ');
    case 'string': {
      const checks = (def.checks as Array<{ _zod: { def: { pattern?: RegExp } } }> | undefined) ?? [];
      const pattern = checks.find((c) => c._zod.def.pattern)?._zod.def.pattern;
      return pattern ? `text matching \`${pattern.source}\`` : 'text';
    }
    default:
      return def.type;
  }
}

const CONTENT: Record<ElementDef['content'], string> = {
  none: 'nothing',
  text: 'text',
  elements: 'elements',
  'text+elements': 'text and elements',
  mixed: 'text mixed with elements, in order',
};

function section(def: ElementDef): string {
  const lines = [`### \`<${def.name}>\``, '', def.summary, ''];
  const children = def.children.length > 0 ? `; may contain: ${def.children.map((c) => `\`${c}\``).join(', ')}` : '';
  lines.push(`Content: ${CONTENT[def.content]}${children}.`);
  if (def.text) lines.push(`Text: ${def.text.expected} (code ${def.codes['#text'] ?? def.codes.default}).`);
  if (def.opaque) lines.push('Kept as is with a 12200 warning; not carried out.');
  const names = Object.keys(def.attributes.shape);
  if (names.length > 0) {
    lines.push('', '| Attribute | Values | Default | Code |', '|---|---|---|---|');
    for (const name of names) {
      const fallback = def.encodedDefaults[name];
      const shown = fallback === undefined ? '—' : `\`${fallback === '' ? '""' : fallback}\``;
      const type = describeType(def.attributes.shape[name]).replaceAll('|', '\\|');
      lines.push(`| \`${name}\` | ${type} | ${shown} | ${def.codes[name] ?? def.codes.default} |`);
    }
  }
  return lines.join('\n');
}

export function referenceTable(): string {
  const voiceVerbs = VOICE_VERBS.map((name) => voiceElements[name]);
  const others = Object.values(voiceElements).filter(
    (def) => def.name !== 'Response' && !(VOICE_VERBS as readonly string[]).includes(def.name),
  );
  const messaging: ElementDef[] = [messagingElements.Message, messagingElements.Body, messagingElements.Media];
  return [
    '## Voice verbs',
    ...voiceVerbs.map(section),
    '## Nouns and nested elements (voice)',
    ...others.map(section),
    '## Messaging',
    'A messaging `<Response>` holds `<Message>` and `<Redirect>` (as in voice).',
    ...messaging.map(section),
  ].join('\n\n');
}
