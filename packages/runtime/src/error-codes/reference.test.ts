import { join } from 'node:path';
import { MarkupCode, messagingElements, voiceElements } from '@patchbay/markup';
import { DEVICE_ERRORS } from '@patchbay/sdk';
import { describe, expect, it } from 'vitest';
import { generatedSection } from '../docs.test-support.js';
import { ERROR_CODES, numericCode } from '../errors.js';
import { errorReference, HAND_WRITTEN } from './index.js';
import { errorsMarkdown } from './render.js';

const DOC = join(import.meta.dirname, '../../../../docs/errors.md');
const START = '<!-- errors:start (generated from packages/runtime/src/error-codes by UPDATE_DOCS=1 pnpm test) -->';
const END = '<!-- errors:end -->';

const documented = () => new Set(errorReference().map((entry) => entry.code));

describe('the error reference', () => {
  // REST answers and verb warnings can only use documented codes (their types say so); these
  // come from tables the compiler cannot check against it.
  it.each([
    ['runtime errors (PatchbayError)', () => ERROR_CODES.map(numericCode)],
    ['device protocol errors', () => Object.values(DEVICE_ERRORS)],
    ['document-level markup issues', () => Object.values(MarkupCode)],
    [
      'verb and attribute checks of the markup registry',
      () =>
        [...Object.values(voiceElements), ...Object.values(messagingElements)].flatMap((d) => Object.values(d.codes)),
    ],
  ])('has an entry for every code of the %s', (_, codes) => {
    const known = documented();
    expect(codes().filter((code) => !known.has(code))).toEqual([]);
  });

  it('gives each code one hand-written entry, with a title, a meaning and an action', () => {
    const seen = new Map<number, string>();
    for (const [family, table] of Object.entries(HAND_WRITTEN)) {
      for (const code of Object.keys(table).map(Number)) {
        expect(seen.get(code), `${code} is in ${seen.get(code)} and ${family}`).toBeUndefined();
        seen.set(code, family);
      }
    }
    for (const entry of errorReference()) {
      expect(entry.title.length, String(entry.code)).toBeGreaterThan(3);
      expect(entry.meaning.length, String(entry.code)).toBeGreaterThan(10);
      expect(entry.action.length, String(entry.code)).toBeGreaterThan(5);
    }
  });

  it('describes markup codes from the registry: where each is reported', () => {
    const finishOnKey = errorReference().find((entry) => entry.code === voiceElements.Gather.codes.finishOnKey);
    expect(finishOnKey).toMatchObject({ family: 'markup' });
    expect(finishOnKey?.meaning).toContain('`<Gather finishOnKey>`');
  });

  it('is what docs/errors.md shows', () => {
    const { doc, expected, marked } = generatedSection(DOC, { start: START, end: END }, errorsMarkdown());
    expect(marked).toBe(true);
    expect(doc).toBe(expected);
  });
});
