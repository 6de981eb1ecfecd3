import fc from 'fast-check';
import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { checkWellFormed } from './wellformed.js';

describe('checkWellFormed', () => {
  it('accepts well-formed documents with declarations, comments, CDATA and either quote', () => {
    const xml =
      '\uFEFF<?xml version="1.0" encoding="UTF-8"?>\n<!-- head -->\n<Response a="1" b = \'2\'>' +
      '<Say>x<![CDATA[<not a tag>]]>y</Say><Hangup/><Pause\n length="1" /></Response>\n<!-- tail -->\n';
    expect(checkWellFormed(xml)).toBeUndefined();
  });

  it.each([
    ['<Response><Say>hi</Response>', 'expected </Say> but found </Response>', 17],
    ['<Response><Say>hi', 'the document ends before <Response>, <Say> are closed', 17],
    ['</Response>', 'closing tag </Response> has no opening tag', 0],
    ['<Response/><Response/>', 'only one root element is allowed', 11],
    ['<Response/>junk', 'text is not allowed after the root element', 11],
    ['junk<Response/>', 'text is not allowed before the root element', 0],
    ['<Response a="1" a="2"/>', 'attribute a is repeated', 16],
    ['<Response a/>', 'attribute a has no value', 10],
    ['<Response a=1/>', 'the value of attribute a must be quoted', 10],
    ['<Response a="1/>', 'the value of attribute a is not closed', 10],
    ['<Response a="<"/>', 'the value of attribute a contains <', 10],
    ['<Response a="1"b="2"/>', 'an attribute is malformed', 15],
    ['<Response', 'a tag is not closed', 0],
    ['< Response/>', 'a tag name is missing or invalid', 0],
    ['<Response></ Response>', 'a closing tag is malformed', 10],
    ['<Response><!-- x</Response>', 'a comment is not closed', 10],
    ['<![CDATA[x]]><Response/>', 'CDATA is only allowed inside an element', 0],
    ['<Response><!ELEMENT x ANY></Response>', 'markup declarations are not allowed', 10],
    ['   ', 'the document has no root element', 0],
    ['<?xml version="1.0"?><?xml version="1.0"?><Response/>', 'the XML declaration must come first', 21],
    [' <?xml version="1.0"?><Response/>', 'the XML declaration must come first', 1],
    [
      `<Response ${Array.from({ length: 101 }, (_, k) => `a${k}=""`).join(' ')}/>`,
      'an element may have at most 100 attributes',
      0,
    ],
  ])('%j: %s', (xml, message, index) => {
    expect(checkWellFormed(xml)).toEqual({ message, index });
  });

  it('never accepts what fast-xml-parser’s validator rejects', () => {
    const piece = fc.constantFrom(
      '<Response>',
      '</Response>',
      '<Say>',
      '</Say>',
      '<Say loop="2">',
      "<a b='c'>",
      '</a>',
      '<b/>',
      '<c d="1" d="2"/>',
      '<e f/>',
      '<g h=i>',
      'text',
      ' ',
      '\n',
      '>',
      '<',
      '/>',
      '</',
      '"',
      "'",
      '=',
      '<!-- c -->',
      '<!--',
      '-->',
      '<![CDATA[x]]>',
      ']]>',
      '<?xml version="1.0"?>',
      '<?pi?>',
      '&amp;',
      '<x:y>',
      '</x:y>',
      '<1>',
      '<-a>',
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 16 }).map((parts) => parts.join('')),
        (xml) => {
          if (checkWellFormed(xml) === undefined) expect(XMLValidator.validate(xml)).toBe(true);
        },
      ),
      { numRuns: 20000 },
    );
  });
});
