#!/usr/bin/env node
// The `patchbay` executable. A committed shim rather than dist/cli/bin.js itself: pnpm links a
// workspace package's bins into node_modules/.bin at install time, before anything is built,
// and a bin that does not exist yet makes it warn ("Failed to create bin").
import { existsSync } from 'node:fs';

const built = new URL('../dist/cli/bin.js', import.meta.url);
if (!existsSync(built)) {
  console.error('patchbay: @patchbay/runtime is not built yet: run `pnpm build` in the repository first');
  process.exit(1);
}
await import(built.href);
