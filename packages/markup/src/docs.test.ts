import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { referenceTable } from './test-support/reference-table.js';

const DOC = join(import.meta.dirname, '../../../docs/markup.md');
const START = '<!-- reference:start (generated from the registry by UPDATE_DOCS=1 pnpm test) -->';
const END = '<!-- reference:end -->';

it('docs/markup.md lists every element and attribute as the registry defines them', () => {
  const doc = readFileSync(DOC, 'utf8');
  const before = doc.slice(0, doc.indexOf(START) + START.length);
  const after = doc.slice(doc.indexOf(END));
  const expected = `${before}\n\n${referenceTable()}\n\n${after}`;
  if (process.env.UPDATE_DOCS) writeFileSync(DOC, expected);
  expect(doc.includes(START) && doc.includes(END)).toBe(true);
  expect(doc).toBe(expected);
});
