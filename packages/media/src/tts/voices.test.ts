import { describe, expect, it } from 'vitest';
import { espeakVoice } from './voices.js';

const name = (voice: string, language: string) => espeakVoice({ voice, language }).name;

describe('espeakVoice', () => {
  it('maps the hosted languages to espeak-ng voices', () => {
    expect(name('man', 'en-US')).toBe('en-us');
    expect(name('man', 'en-GB')).toBe('en-gb');
    expect(name('man', 'en-AU')).toBe('en-gb');
    expect(name('man', 'es-ES')).toBe('es');
    expect(name('man', 'es-MX')).toBe('es-419');
    expect(name('man', 'fr-FR')).toBe('fr-fr');
    expect(name('man', 'fr-CA')).toBe('fr-fr');
    expect(name('man', 'de-DE')).toBe('de');
    expect(name('man', 'pt-BR')).toBe('pt-br');
    expect(name('man', 'pt-PT')).toBe('pt');
    expect(name('man', 'zh-CN')).toBe('cmn');
    expect(name('man', 'zh-HK')).toBe('yue');
    expect(name('man', 'ja-JP')).toBe('ja');
    expect(name('man', 'nb-NO')).toBe('nb');
  });

  it('gives woman and alice female variants and man the default', () => {
    expect(name('woman', 'en-US')).toBe('en-us+f3');
    expect(name('alice', 'de-DE')).toBe('de+f2');
  });

  it('reads gender from Polly names and gender and language from Google names', () => {
    expect(name('Polly.Joanna', 'en-US')).toBe('en-us+f3');
    expect(name('Polly.Matthew-Neural', 'en-US')).toBe('en-us');
    expect(name('Polly.Celine', 'fr-FR')).toBe('fr-fr+f3');
    expect(name('Google.en-US-Standard-C', 'en-US')).toBe('en-us+f3');
    expect(name('Google.en-US-Neural2-D', 'fr-FR')).toBe('en-us');
    expect(name('Google.de-DE-Wavenet-A', 'en-US')).toBe('de+f3');
  });

  it('stands in American English for a language espeak-ng lacks, and says so', () => {
    expect(espeakVoice({ voice: 'man', language: 'xx-YY' })).toEqual({ name: 'en-us', fallback: true });
    expect(espeakVoice({ voice: 'man', language: 'it-IT' }).fallback).toBe(false);
  });
});
