/**
 * Writing XML text and attribute values exactly as the widely used helper library does (its
 * output is the reference for byte-identical builders), refusing characters XML cannot carry.
 */
import { MarkupCode } from './codes.js';
import { MarkupError } from './errors.js';

/** A character XML 1.0 cannot carry, including lone surrogates. */
export const ILLEGAL_XML_CHAR =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const TEXT_SPECIAL = /[&<>\r]/g;
const ATTRIBUTE_SPECIAL = /[&<"\t\n\r]/g;
const REPLACEMENTS: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '\t': '&#x9;',
  '\n': '&#xA;',
  '\r': '&#xD;',
};
const replace = (char: string) => REPLACEMENTS[char] as string;

/** Throws when the text holds a character XML 1.0 cannot carry. */
export function assertLegal(value: string, path: string): void {
  const match = ILLEGAL_XML_CHAR.exec(value);
  if (match) {
    const code = match[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    throw new MarkupError(MarkupCode.ParseFailure, `character U+${code} cannot be written in XML`, path);
  }
}

/** Element text: escapes `& < >` and carriage returns. */
export function escapeText(value: string, path: string): string {
  assertLegal(value, path);
  return value.replace(TEXT_SPECIAL, replace);
}

/** Attribute value: escapes `& < "` and tab, newline, carriage return (which parsers would fold). */
export function escapeAttribute(value: string, path: string): string {
  assertLegal(value, path);
  return value.replace(ATTRIBUTE_SPECIAL, replace);
}

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';
