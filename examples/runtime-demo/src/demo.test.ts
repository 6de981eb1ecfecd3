import { expect, it } from 'vitest';
import { runDemo } from './demo.js';

it('puts a call through the sample IVR, to sales and back, with signed webhooks', async () => {
  const lines: string[] = [];
  const result = await runDemo((line) => lines.push(line));
  const output = lines.join('\n');
  expect(output).toContain(
    'heard-speech "Thanks for calling Patchbay. For sales, press 1. For our opening hours, press 2."',
  );
  expect(output).toMatch(/pressed 1/);
  expect(output).toContain('heard-speech "Incoming sales call from +15550199000."');
  expect(output).toMatch(/bridged \+15550100200/);
  expect(output).toContain('heard-speech "Thanks for calling. Goodbye."');
  expect(output).toMatch(/The call ended completed/);
  expect(result).toEqual({ unsigned: [], callbacks: 3 });
});
