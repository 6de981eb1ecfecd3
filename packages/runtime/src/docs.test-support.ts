/**
 * Reference sections of docs/ generated from code: the doc as it should be, with `content`
 * between its markers (written there when UPDATE_DOCS is set), for a test to compare.
 */
import { readFileSync, writeFileSync } from 'node:fs';

export function generatedSection(
  file: string,
  markers: { readonly start: string; readonly end: string },
  content: string,
): { readonly doc: string; readonly expected: string; readonly marked: boolean } {
  const doc = readFileSync(file, 'utf8');
  const before = doc.slice(0, doc.indexOf(markers.start) + markers.start.length);
  const after = doc.slice(doc.indexOf(markers.end));
  const expected = `${before}\n\n${content}\n\n${after}`;
  if (process.env.UPDATE_DOCS) writeFileSync(file, expected);
  return { doc, expected, marked: doc.includes(markers.start) && doc.includes(markers.end) };
}
