/**
 * Well-formedness in one pass over the text, before fast-xml-parser builds the tree (its parser
 * accepts mismatched and unclosed tags silently). fast-xml-parser's own XMLValidator does this
 * job at 0.6x the cost of a full parse, which alone put the parse+validate target out of reach;
 * this scanner walks character codes with a tag stack and finds the same faults, plus text or a
 * second element after the root, which the validator lets through.
 */

export interface NotWellFormed {
  readonly message: string;
  /** Offset in the text where the problem is. */
  readonly index: number;
}

const LT = 60; // <
const GT = 62; // >
const SLASH = 47; // /
const BANG = 33; // !
const QUESTION = 63; // ?
const EQUALS = 61; // =
const QUOTE = 34; // "
const APOSTROPHE = 39; // '

/** Attributes one element may carry; real verbs have at most ~20. */
export const MAX_ATTRIBUTES = 100;

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}

function isNameStart(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || code === 95 || code === 58 || code >= 0xc0;
}

function isNameChar(code: number): boolean {
  return isNameStart(code) || (code >= 48 && code <= 57) || code === 45 || code === 46 || code === 0xb7;
}

/** Returns undefined for a well-formed document with exactly one root element. */
export function checkWellFormed(xml: string): NotWellFormed | undefined {
  const n = xml.length;
  const stack: string[] = [];
  let rootSeen = false;
  const start = xml.charCodeAt(0) === 0xfeff ? 1 : 0;
  let i = start;
  const fail = (message: string, index: number): NotWellFormed => ({ message, index });

  while (i < n) {
    if (xml.charCodeAt(i) !== LT) {
      const next = xml.indexOf('<', i);
      const end = next < 0 ? n : next;
      if (stack.length === 0) {
        for (let k = i; k < end; k++) {
          if (!isSpace(xml.charCodeAt(k))) {
            return fail(
              rootSeen ? 'text is not allowed after the root element' : 'text is not allowed before the root element',
              k,
            );
          }
        }
      }
      i = end;
      continue;
    }
    const second = xml.charCodeAt(i + 1);
    if (second === QUESTION) {
      const end = xml.indexOf('?>', i + 2);
      if (end < 0) return fail('a processing instruction is not closed', i);
      let j = i + 2;
      while (j < end && isNameChar(xml.charCodeAt(j))) j++;
      if (xml.slice(i + 2, j).toLowerCase() === 'xml' && i !== start) {
        return fail('the XML declaration must come first', i);
      }
      i = end + 2;
    } else if (second === BANG) {
      if (xml.startsWith('<!--', i)) {
        const end = xml.indexOf('-->', i + 4);
        if (end < 0) return fail('a comment is not closed', i);
        i = end + 3;
      } else if (xml.startsWith('<![CDATA[', i)) {
        if (stack.length === 0) return fail('CDATA is only allowed inside an element', i);
        const end = xml.indexOf(']]>', i + 9);
        if (end < 0) return fail('a CDATA section is not closed', i);
        i = end + 3;
      } else {
        return fail('markup declarations are not allowed', i);
      }
    } else if (second === SLASH) {
      let j = i + 2;
      while (j < n && isNameChar(xml.charCodeAt(j))) j++;
      const name = xml.slice(i + 2, j);
      while (j < n && isSpace(xml.charCodeAt(j))) j++;
      if (name === '' || xml.charCodeAt(j) !== GT) return fail('a closing tag is malformed', i);
      const open = stack.pop();
      if (open === undefined) return fail(`closing tag </${name}> has no opening tag`, i);
      if (open !== name) return fail(`expected </${open}> but found </${name}>`, i);
      i = j + 1;
    } else {
      if (rootSeen && stack.length === 0) return fail('only one root element is allowed', i);
      const tag = startTag(xml, i);
      if (typeof tag === 'object') return tag;
      rootSeen = true;
      if (xml.charCodeAt(tag - 2) === SLASH) i = tag;
      else {
        let j = i + 1;
        while (isNameChar(xml.charCodeAt(j))) j++;
        stack.push(xml.slice(i + 1, j));
        i = tag;
      }
    }
  }
  if (stack.length > 0) {
    const open = stack.map((name) => `<${name}>`).join(', ');
    return fail(`the document ends before ${open} ${stack.length === 1 ? 'is' : 'are'} closed`, n);
  }
  if (!rootSeen) return fail('the document has no root element', 0);
  return undefined;
}

/** Checks a start tag at `start`; returns the offset just past its `>`, or the fault. */
function startTag(xml: string, start: number): number | NotWellFormed {
  const n = xml.length;
  let j = start + 1;
  if (!isNameStart(xml.charCodeAt(j))) return { message: 'a tag name is missing or invalid', index: start };
  while (j < n && isNameChar(xml.charCodeAt(j))) j++;
  const names: string[] = [];
  // A `<` before the tag's end can only sit in an attribute value: find the first one once.
  const nextLt = xml.indexOf('<', j);
  for (;;) {
    const before = j;
    while (j < n && isSpace(xml.charCodeAt(j))) j++;
    const code = xml.charCodeAt(j);
    if (code === GT) return j + 1;
    if (code === SLASH && xml.charCodeAt(j + 1) === GT) return j + 2;
    if (j >= n) return { message: 'a tag is not closed', index: start };
    if (j === before || !isNameStart(code)) return { message: 'an attribute is malformed', index: j };
    const nameStart = j;
    while (j < n && isNameChar(xml.charCodeAt(j))) j++;
    const name = xml.slice(nameStart, j);
    while (j < n && isSpace(xml.charCodeAt(j))) j++;
    if (xml.charCodeAt(j) !== EQUALS) return { message: `attribute ${name} has no value`, index: nameStart };
    j++;
    while (j < n && isSpace(xml.charCodeAt(j))) j++;
    const quote = xml.charCodeAt(j);
    if (quote !== QUOTE && quote !== APOSTROPHE) {
      return { message: `the value of attribute ${name} must be quoted`, index: nameStart };
    }
    const end = xml.indexOf(quote === QUOTE ? '"' : "'", j + 1);
    if (end < 0) return { message: `the value of attribute ${name} is not closed`, index: nameStart };
    if (nextLt >= 0 && nextLt < end) return { message: `the value of attribute ${name} contains <`, index: nameStart };
    if (names.includes(name)) return { message: `attribute ${name} is repeated`, index: nameStart };
    if (names.length === MAX_ATTRIBUTES) {
      return { message: `an element may have at most ${MAX_ATTRIBUTES} attributes`, index: start };
    }
    names.push(name);
    j = end + 1;
  }
}
