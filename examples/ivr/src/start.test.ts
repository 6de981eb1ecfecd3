import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { runQuickStart } from './start.js';

const repository = join(import.meta.dirname, '../../..');

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

    // The commands it suggests work as printed, pasted into a shell at the repository's root: each
    // gets as far as the server (stopped here, so: cannot reach it), so the credentials and flags
    // are all there. (The root `patchbay` script runs the CLI, as `npx -y pnpm@... patchbay` does.)
    const suggested = lines.slice(
      lines.indexOf('Try more calls and texts, from the repository (another terminal):') + 1,
    );
    const [exported, ...commands] = suggested.map((line) => line.trim()).filter(Boolean);
    expect(exported).toMatch(
      /^export PATCHBAY_URL=http:\/\/127\.0\.0\.1:\d+ PATCHBAY_ACCOUNT_SID=AC[0-9a-f]{32} PATCHBAY_AUTH_TOKEN=[0-9a-f]{32}$/,
    );
    expect(commands.map((command) => command.split(/ +/).slice(0, 7).join(' '))).toEqual([
      'npx -y pnpm@10.34.8 patchbay simulate call --to',
      'npx -y pnpm@10.34.8 patchbay simulate message --to',
      'npx -y pnpm@10.34.8 patchbay calls tail #',
    ]);
    for (const command of commands) {
      const cli = command.replace(/^npx -y pnpm@10\.34\.8 patchbay /, 'node packages/runtime/bin/patchbay.js ');
      const failure = await promisify(execFile)('sh', ['-c', `${exported}; ${cli}`], { cwd: repository }).then(
        () => undefined,
        (error: { code: number; stderr: string }) => error,
      );
      expect(failure?.code).toBe(1);
      expect(failure?.stderr).toMatch(
        /^patchbay: cannot reach Patchbay at http:\/\/127\.0\.0\.1:\d+ \(connection refused\)/,
      );
    }
  } finally {
    await rm(data, { recursive: true, force: true });
  }
});
