import { describe, expect, it } from 'vitest';
import { keywordOf } from './sms.js';

describe('keywordOf', () => {
  it.each([
    ['STOP', 'opt-out'],
    [' stop ', 'opt-out'],
    ['Unsubscribe.', 'opt-out'],
    ['quit!', 'opt-out'],
    ['START', 'opt-in'],
    ['yes', 'opt-in'],
    ['Help', 'help'],
    ['stop it', undefined],
    ['', undefined],
    ['STOPPED', undefined],
  ])('%j is %s', (body, keyword) => {
    expect(keywordOf(body)).toBe(keyword);
  });
});
