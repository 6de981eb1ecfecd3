#!/usr/bin/env node
// `pnpm start`: install and build (scripts/prepare.mjs), then run examples/ivr's start (the
// server and the sample app). Ctrl-C reaches the whole process group: the example stops the
// server, which lets live calls finish, and every process here exits 0, so pnpm has no failure
// to report. (The package.json scripts run node with `exec`, so no shell sits in between: a
// shell killed by the same Ctrl-C makes pnpm report a failure whatever the example did. And
// nothing passes Ctrl-C on a second time: pnpm turns a second SIGINT into a SIGTERM for its
// script, and a wrapper such as tsx's may kill its child when a signal is relayed late.)
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { prepare } from './prepare.mjs';
import { pnpm } from './steps.mjs';

await prepare();
const [command, args] = pnpm(['--silent', '--filter', '@patchbay/example-ivr', 'start']);
const example = spawn(command, args, { cwd: join(import.meta.dirname, '..'), stdio: 'inherit' });
// The terminal sends Ctrl-C to the example too: wait for it, and only if it is still running
// after a moment (the SIGINT was for this process alone) ask it to stop. SIGTERM is passed on.
process.once('SIGINT', () => {
  setTimeout(() => example.kill('SIGTERM'), 2000).unref();
  process.on('SIGINT', () => {});
});
process.on('SIGTERM', () => example.kill('SIGTERM'));
example.on('exit', (code, signal) => process.exit(code ?? (signal === 'SIGINT' || signal === 'SIGTERM' ? 0 : 1)));
