import { describe, expect, it } from 'vitest';
import { ssmlFromContent, toEspeakSsml } from './ssml.js';

describe('toEspeakSsml', () => {
  it('wraps plain text, escaping what would read as markup', () => {
    expect(toEspeakSsml('Tom & Jerry <3 a<b')).toBe('<speak>Tom &amp; Jerry &lt;3 a&lt;b</speak>');
    expect(toEspeakSsml('Fish &amp; chips')).toBe('<speak>Fish &amp; chips</speak>');
  });

  it('keeps break, prosody, emphasis, p and s with the attributes espeak-ng reads', () => {
    expect(toEspeakSsml('Hi<break time="1s"/>there<break time="250ms"/><break strength="strong"/>')).toBe(
      '<speak>Hi<break time="1000ms"/>there<break time="250ms"/><break strength="strong"/></speak>',
    );
    expect(
      toEspeakSsml('<prosody rate="slow" pitch="+10%" bogus="x">a</prosody><emphasis level="strong">b</emphasis>'),
    ).toBe('<speak><prosody rate="slow" pitch="+10%">a</prosody><emphasis>b</emphasis></speak>');
    expect(toEspeakSsml('<p><s>One.</s></p>')).toBe('<speak><p><s>One.</s></p></speak>');
  });

  it('caps a break at 10 s and drops a prosody value that is not one', () => {
    expect(toEspeakSsml('<break time="600s"/>')).toBe('<speak><break time="10000ms"/></speak>');
    expect(toEspeakSsml('<prosody rate="fast; x">a</prosody>')).toBe('<speak><prosody>a</prosody></speak>');
    expect(toEspeakSsml('<prosody rate="&quot;/><x">a</prosody>')).toBe('<speak>&lt;x"&gt;a</speak>');
  });

  it('spells digits, characters and telephone numbers, and reads other say-as kinds as text', () => {
    expect(toEspeakSsml('Code <say-as interpret-as="digits">1000</say-as>')).toBe(
      '<speak>Code <say-as interpret-as="characters">1000</say-as></speak>',
    );
    expect(toEspeakSsml("<say-as interpret-as='telephone'>555</say-as>")).toContain('interpret-as="characters"');
    expect(toEspeakSsml('<say-as interpret-as="date" format="mdy">1/2/2026</say-as>')).toBe('<speak>1/2/2026</speak>');
  });

  it('says a sub by its alias and keeps only the text of lang, phoneme, w and unknown vendor tags', () => {
    expect(toEspeakSsml('<sub alias="World Wide Web">WWW</sub> site')).toBe('<speak>World Wide Web site</speak>');
    expect(
      toEspeakSsml(
        '<lang xml:lang="fr-FR">oui</lang> <phoneme ph="x">y</phoneme> <amazon:effect name="whispered">z</amazon:effect>',
      ),
    ).toBe('<speak>oui y z</speak>');
    expect(toEspeakSsml('<speak>Already <w role="x">wrapped</w></speak>')).toBe('<speak>Already wrapped</speak>');
  });

  it('closes what the input left open and ignores stray closing tags', () => {
    expect(toEspeakSsml('<prosody rate="fast"><emphasis>a</prosody> b</emphasis></s>')).toBe(
      '<speak><prosody rate="fast"><emphasis>a</emphasis></prosody> b</speak>',
    );
  });
});

describe('ssmlFromContent', () => {
  it("writes the markup's Say content as SSML text that toEspeakSsml reads", () => {
    const content = [
      'Your code is ',
      { name: 'say-as', attributes: { 'interpret-as': 'digits' }, content: ['42'] },
      { name: 'break', attributes: { time: '1s', strength: undefined } },
      { name: '#opaque', tag: 'amazon:effect', attributes: { name: 'whispered' }, content: ['A & B'] },
    ];
    const text = ssmlFromContent(content);
    expect(text).toBe(
      'Your code is <say-as interpret-as="digits">42</say-as><break time="1s"/><amazon:effect name="whispered">A &amp; B</amazon:effect>',
    );
    expect(toEspeakSsml(text)).toBe(
      '<speak>Your code is <say-as interpret-as="characters">42</say-as><break time="1000ms"/>A &amp; B</speak>',
    );
  });
});
