/**
 * better-sqlite3 is a native module: its binary comes from its install script (a prebuilt
 * download, or a compile). When that script was skipped or failed, or the binary was built for
 * another Node.js (Node upgraded without `npm rebuild`), the first `new Database()` throws. That
 * is an installation problem, not the data directory's and not a bug: say so, and how to fix it.
 *
 * @example
 * catch (error) { throw sqliteUnavailable(error) ?? error; }
 */
import { StartupError } from '../startup-error.js';

/** StartupError `sqlite-unavailable` when `error` is the driver failing to load, else undefined. */
export function sqliteUnavailable(error: unknown): StartupError | undefined {
  const message = error instanceof Error ? error.message : '';
  const code = (error as { code?: unknown } | undefined)?.code;
  let reason: string;
  const versions = /NODE_MODULE_VERSION (\d+)\.\s+This version of Node\.js requires\s+NODE_MODULE_VERSION (\d+)/.exec(
    message,
  );
  if (message.startsWith('Could not locate the bindings file')) reason = 'its compiled binary is missing';
  else if (versions) {
    reason = `its binary was built for another Node.js version (NODE_MODULE_VERSION ${versions[1]}; this one needs ${versions[2]})`;
  } else if (code === 'ERR_DLOPEN_FAILED') reason = `its binary does not load (${message.split('\n')[0]})`;
  else return undefined;
  return new StartupError(
    'sqlite-unavailable',
    `the SQLite driver (better-sqlite3, a native module) cannot load: ${reason}`,
    'run `npm rebuild better-sqlite3` where Patchbay is installed (it fetches a prebuilt binary or compiles one with python3, make and g++)',
    { cause: error },
  );
}
