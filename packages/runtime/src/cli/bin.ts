#!/usr/bin/env node
/**
 * The `patchbay` executable: runs `main` with the process's arguments and environment. Ctrl-C
 * (SIGINT) or SIGTERM aborts the running command, which stops cleanly; a second one ends the
 * process at once. (`serve` handles both signals itself, draining calls first.)
 */
import { main } from './main.js';

const controller = new AbortController();
let signals = 0;
const onSignal = (signal: NodeJS.Signals) => {
  signals++;
  if (signals > 1) process.exit(130);
  controller.abort(new Error(signal));
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

main(process.argv.slice(2), { signal: controller.signal }).then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (error: unknown) => {
    // main reports failures itself; this is a bug in that reporting.
    console.error(error);
    process.exitCode = 1;
  },
);
