import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseMessaging, parseVoice } from './parse.js';
import { serialize } from './serialize.js';

const dir = join(import.meta.dirname, '__fixtures__');
const xmlFiles = (sub: string) => readdirSync(join(dir, sub)).filter((name) => name.endsWith('.xml'));
const read = (sub: string, name: string) => readFileSync(join(dir, sub, name), 'utf8');

describe('valid fixtures', () => {
  it.each(xmlFiles('valid'))('%s parses, and survives a round trip', (name) => {
    const parse = name.startsWith('messaging-') ? parseMessaging : parseVoice;
    const result = parse(read('valid', name));
    if (!result.ok) expect.fail(JSON.stringify(result.errors, null, 1));
    expect(result.warnings.every((warning) => warning.code === 12200)).toBe(true);
    // biome-ignore lint/suspicious/noExplicitAny: both dialects' documents serialize alike
    const again = parse(serialize(result.document as any));
    expect(again.ok && again.document).toEqual(result.document);
  });
});

describe('invalid fixtures', () => {
  it.each(xmlFiles('invalid'))('%s is rejected with the expected code', (name) => {
    const expected = JSON.parse(read('invalid', name.replace(/\.xml$/, '.json')));
    const result = parseVoice(read('invalid', name));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]).toMatchObject(expected);
  });
});
