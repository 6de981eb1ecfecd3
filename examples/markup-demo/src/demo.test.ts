import { expect, it } from 'vitest';
import { runDemo } from './demo.js';

it('builds, parses and explains, as the README promises', () => {
  const lines: string[] = [];
  runDemo((line) => lines.push(line));
  const output = lines.join('\n');
  expect(output).toContain('Gather dtmf+speech (1 digit, 6s) -> /ivr/menu with 2 prompts');
  expect(output).toContain('Dial Number and Client for 20s, caller ID +15550001111');
  expect(output).toContain('parses to the same document: true');
  expect(output).toContain('ends before <Response>, <Say> are closed');
  expect(output).toContain('12200 Response/Number[1] line 1:11');
  expect(output).toContain('13314 Response/Gather[1]@numDigits line 2:11');
  expect(output).toContain('13510 Response/Gather[1]/Say[1]@loop line 3:10');
  expect(output).toMatch(/12100 \(document\) line 1:1: DOCTYPE/);
});
