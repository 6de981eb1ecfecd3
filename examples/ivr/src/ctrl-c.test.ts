/**
 * Ctrl-C on the quick start: run as `pnpm start` runs it (through pnpm when the tests run under
 * pnpm, else `sh -c` with the start script, as pnpm would), in its own process group as a
 * terminal's foreground job, and interrupted the way a terminal does: SIGINT to the whole group.
 * The server drains, and everything exits 0: a shell or process that died of the signal instead
 * is what made pnpm print "ELIFECYCLE Command failed". Pressed while the scripted calls are still
 * running, the hardest moment (the same handler serves the "Press Ctrl-C to stop." prompt after them).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, delimiter, join } from 'node:path';
import { createInterface } from 'node:readline';
import { expect, it } from 'vitest';

const here = join(import.meta.dirname, '..');

it('Ctrl-C in the middle of the scripted calls stops the server and the app, and the start script exits 0', async () => {
  const data = await mkdtemp(join(tmpdir(), 'patchbay-ivr-ctrl-c-'));
  const { scripts } = JSON.parse(await readFile(join(here, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const pnpm = process.env.npm_execpath;
  const [command, args] =
    pnpm && basename(pnpm).startsWith('pnpm')
      ? [process.execPath, [pnpm, '--silent', 'start', '--port', '0', '--data', data]]
      : ['sh', ['-c', `${scripts.start} --port 0 --data ${data}`]];
  const child = spawn(command, args, {
    cwd: here,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PATH: `${join(here, 'node_modules/.bin')}${delimiter}${process.env.PATH}` },
  });
  try {
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    const lines: string[] = [];
    for await (const line of createInterface({ input: child.stdout as NodeJS.ReadableStream })) {
      lines.push(line);
      if (line === 'A caller presses 1 for sales:') break; // its call is being placed
    }
    const server = /Patchbay is running at (\S+)/.exec(lines.join('\n'))?.[1] as string;
    process.kill(-(child.pid as number), 'SIGINT');
    const [code, signal] = await once(child, 'exit');
    expect({ code, signal, stderr }).toEqual({ code: 0, signal: null, stderr: '' });
    // The server is gone too.
    await expect(fetch(server)).rejects.toThrow();
  } finally {
    if (child.exitCode === null) process.kill(-(child.pid as number), 'SIGKILL');
    await rm(data, { recursive: true, force: true });
  }
});
