#!/usr/bin/env node
// `pnpm start`: install and build (scripts/prepare.mjs), then run examples/ivr's start (the
// server and the sample app). Ctrl-C reaches the whole process group: the example stops the
// server, which lets live calls finish, and every process here exits 0, so pnpm has no failure
// to report. (The package.json script runs this with `exec`, so no shell sits in between: a
// shell killed by the same Ctrl-C would make pnpm report a failure whatever the example did.)
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { prepare } from './prepare.mjs';
import { pnpm } from './steps.mjs';

await prepare();
const [command, args] = pnpm(['--silent', '--filter', '@patchbay/example-ivr', 'start']);
const example = spawn(command, args, { cwd: join(import.meta.dirname, '..'), stdio: 'inherit' });
// The terminal sends Ctrl-C to the example too: wait for it. A signal sent to this process
// alone is passed on.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => example.kill(signal));
example.on('exit', (code, signal) => process.exit(code ?? (signal === 'SIGINT' || signal === 'SIGTERM' ? 0 : 1)));
