import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { cliReference } from './reference.test-support.js';

const DOC = join(import.meta.dirname, '../../../../docs/cli.md');
const START = '<!-- reference:start (generated from the command table by UPDATE_DOCS=1 pnpm test) -->';
const END = '<!-- reference:end -->';

it('docs/cli.md documents every command, argument and flag as the command table declares them', () => {
  const doc = readFileSync(DOC, 'utf8');
  const before = doc.slice(0, doc.indexOf(START) + START.length);
  const after = doc.slice(doc.indexOf(END));
  const expected = `${before}\n\n${cliReference()}\n\n${after}`;
  if (process.env.UPDATE_DOCS) writeFileSync(DOC, expected);
  expect(doc.includes(START) && doc.includes(END)).toBe(true);
  expect(doc).toBe(expected);
});
