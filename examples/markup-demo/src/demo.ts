/**
 * What the demo shows: a support-line IVR built with the helper-compatible builder, the typed
 * tree the runtime will execute, and the errors an app developer sees for broken markup.
 */
import { isDeepStrictEqual } from 'node:util';
import { type MarkupIssue, parseVoice, serialize, type VoiceDocument, VoiceResponse } from '@patchbay/markup';

export function buildIvr(): VoiceResponse {
  const response = new VoiceResponse();
  const menu = response.gather({ input: ['dtmf', 'speech'], numDigits: 1, action: '/ivr/menu', timeout: 6 });
  menu.say({ voice: 'Polly.Joanna' }, 'Thanks for calling Patchbay. For sales press 1, for support press 2.');
  menu.pause({ length: 1 });
  response.say('We did not hear a choice.');
  const dial = response.dial({ callerId: '+15550001111', timeout: 20, action: '/ivr/after-dial' });
  dial.number({ sendDigits: 'ww42#' }, '+15551234567');
  dial.client().identity({}, 'support-agent');
  response.redirect({ method: 'POST' }, '/ivr/start');
  return response;
}

/** One line per verb: what the runtime will do with it. */
export function describe(document: VoiceDocument): string[] {
  return document.children.map((verb) => {
    switch (verb.name) {
      case 'Gather':
        return `Gather ${verb.attributes.input.join('+')} (${verb.attributes.numDigits ?? 'any'} digit, ${verb.attributes.timeout}s) -> ${verb.attributes.action ?? '(this document)'} with ${verb.children.length} prompts`;
      case 'Say':
        return `Say "${verb.content.filter((part) => typeof part === 'string').join('')}" as ${verb.attributes.voice}`;
      case 'Dial':
        return `Dial ${verb.children.map((noun) => (noun.name === '#opaque' ? noun.tag : noun.name)).join(' and ')} for ${verb.attributes.timeout}s, caller ID ${verb.attributes.callerId}`;
      case 'Redirect':
        return `Redirect ${verb.attributes.method} ${verb.text}`;
      default:
        return verb.name === '#opaque' ? `(kept as is) <${verb.tag}>` : verb.name;
    }
  });
}

export const BROKEN = {
  'a noun outside its verb': '<Response><Number>+15551234567</Number></Response>',
  'a bad attribute value':
    '<Response>\n  <Gather numDigits="one">\n    <Say loop="-1">Hi</Say>\n  </Gather>\n</Response>',
  'an entity bomb': '<!DOCTYPE x [<!ENTITY a "aaaaaaaa">]><Response><Say>&a;</Say></Response>',
  'truncated markup': '<Response><Say>Hello',
} as const;

export function explain(issue: MarkupIssue): string {
  return `  ${issue.code} ${issue.path || '(document)'} line ${issue.line}:${issue.column}: ${issue.message}`;
}

export function runDemo(print: (line: string) => void): void {
  const ivr = buildIvr();
  const xml = ivr.toString();
  print('Markup built with new VoiceResponse():');
  print(`  ${xml}`);
  const parsed = parseVoice(xml);
  if (!parsed.ok) throw new Error('the demo document should be valid');
  print('\nParsed into a typed document, verb by verb:');
  for (const line of describe(parsed.document)) print(`  ${line}`);
  const written = serialize(parsed.document);
  const again = parseVoice(written);
  print('\nWritten back with serialize() (schema order, defaults left out):');
  print(`  ${written}`);
  print(`  parses to the same document: ${again.ok && isDeepStrictEqual(again.document, parsed.document)}`);
  print('\nBroken markup is reported with a code, a path and a position:');
  for (const [what, broken] of Object.entries(BROKEN)) {
    const result = parseVoice(broken);
    print(`${what}:`);
    for (const issue of result.ok ? [] : result.errors) print(explain(issue));
  }
}
