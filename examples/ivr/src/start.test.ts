import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runQuickStart } from './start.js';

it('runs the helper-library IVR against patchbay serve, end to end', async () => {
  const data = await mkdtemp(join(tmpdir(), 'patchbay-ivr-'));
  try {
    const lines: string[] = [];
    await runQuickStart({ data, port: 0, once: true, print: (line) => lines.push(line) });
    const output = lines.join('\n');
    expect(output).toContain(
      'heard-speech "Thanks for calling Patchbay. For sales, press 1. To leave a message, press 2." (voice Polly.Joanna, en-US)',
    );
    expect(output).toContain('bridged +15550100200');
    expect(output).toContain('heard-speech "Sales, this is Sam. How can I help?"');
    expect(output).toContain('heard-speech "Thanks for calling. Goodbye." (voice man, en-US)');
    expect(output).toContain('said "Hello, I would like to change my order, please call me back"');
    expect(output).toContain('heard-beep');
    expect(output).toMatch(/heard-speech "Thanks\. We got your [34] second message\. Goodbye\."/);
    expect(output.match(/ completed after /g)).toHaveLength(2);
    expect(output).toContain('reply to +15550199000: We are open 9am-5pm, Monday to Friday.');
  } finally {
    await rm(data, { recursive: true, force: true });
  }
});
