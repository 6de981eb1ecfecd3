#!/usr/bin/env node
/**
 * The `patchbay` executable: runs `main` with the process's arguments and environment. Ctrl-C
 * (SIGINT) or SIGTERM aborts the running command, which stops cleanly; a second one while it is
 * still running ends the process at once. Once `main` has returned (`serve` returns when it is
 * listening) signals are left to the command: `serve` drains its calls however often it is told.
 */
import { main } from './main.js';

const controller = new AbortController();
let running = true;
const onSignal = (signal: NodeJS.Signals) => {
  if (!running) return;
  if (controller.signal.aborted) process.exit(130);
  controller.abort(new Error(signal));
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

main(process.argv.slice(2), { signal: controller.signal }).then(
  (code) => {
    running = false;
    if (code !== 0) process.exitCode = code;
  },
  (error: unknown) => {
    running = false;
    // main reports failures itself; this is a bug in that reporting.
    console.error(error);
    process.exitCode = 1;
  },
);
