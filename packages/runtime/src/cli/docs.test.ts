import { join } from 'node:path';
import { expect, it } from 'vitest';
import { generatedSection } from '../docs.test-support.js';
import { cliReference } from './reference.test-support.js';

const DOC = join(import.meta.dirname, '../../../../docs/cli.md');
const MARKERS = {
  start: '<!-- reference:start (generated from the command table by UPDATE_DOCS=1 pnpm test) -->',
  end: '<!-- reference:end -->',
};

it('docs/cli.md documents every command, argument and flag as the command table declares them', () => {
  const { doc, expected, marked } = generatedSection(DOC, MARKERS, cliReference());
  expect(marked).toBe(true);
  expect(doc).toBe(expected);
});
