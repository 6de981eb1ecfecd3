// Steps of the root scripts (install, build, ...) as one line each: the step says what it is
// doing before it starts (no silent pauses), its output is kept, and printed only when it fails,
// with its exit code passed on.
import { spawn } from 'node:child_process';
import { basename } from 'node:path';

/** pnpm as it runs this script (npm_execpath when pnpm started us), else the one on the PATH. */
export function pnpm(args) {
  const execpath = process.env.npm_execpath;
  return execpath && basename(execpath).startsWith('pnpm') ? [process.execPath, [execpath, ...args]] : ['pnpm', args];
}

/** Runs a command with its output captured; resolves with its exit code and that output. */
export function capture(command, args, options = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks = [];
    child.stdout.on('data', (chunk) => chunks.push(chunk));
    child.stderr.on('data', (chunk) => chunks.push(chunk));
    child.on('error', (error) => resolve({ code: 127, output: `${error.message}\n` }));
    child.on('close', (code, signal) =>
      resolve({ code: code ?? (signal ? 128 : 1), output: Buffer.concat(chunks).toString('utf8') }),
    );
  });
}

export const seconds = (since) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

/** One step on one line: "label... " before it starts, "done (1.2 s)" after; on failure its output, and exit. */
export async function step(label, command, args, options = {}) {
  const started = performance.now();
  process.stdout.write(`${label}... `);
  const { code, output } = await capture(command, args, options);
  if (code !== 0) {
    process.stdout.write('failed\n');
    process.stderr.write(`${output.trimEnd()}\n\n${label}: failed (exit code ${code})\n`);
    process.exit(code);
  }
  process.stdout.write(`done (${seconds(started)})\n`);
  return output;
}
