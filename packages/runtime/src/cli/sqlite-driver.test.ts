/**
 * An install whose SQLite driver cannot load (better-sqlite3's native binary missing: its install
 * script skipped or failed, or built for another Node.js): every command that opens the data
 * directory says so in one line and how to fix it, instead of blaming the directory or calling it
 * a bug. The real better-sqlite3 runs, from a copy without its binary, which the child's module
 * resolution is pointed at.
 */
import { cp, mkdir, realpath, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { cleanUpProcesses, dataDirectory, runPatchbay } from './processes.test-support.js';

afterEach(cleanUpProcesses);

const HINT =
  'run `npm rebuild better-sqlite3` where Patchbay is installed (it fetches a prebuilt binary or compiles one with python3, make and g++)';

let env: Record<string, string>;

beforeAll(async () => {
  const root = await dataDirectory('patchbay-no-driver-');
  const require = createRequire(import.meta.url);
  const driver = dirname(dirname(require.resolve('better-sqlite3')));
  const copy = join(root, 'node_modules/better-sqlite3');
  await mkdir(copy, { recursive: true });
  await cp(join(driver, 'lib'), join(copy, 'lib'), { recursive: true });
  await cp(join(driver, 'package.json'), join(copy, 'package.json'));
  const bindings = await realpath(dirname(createRequire(join(driver, 'lib/index.js')).resolve('bindings')));
  await symlink(bindings, join(root, 'node_modules/bindings'));
  const target = pathToFileURL(join(copy, 'lib/index.js')).href;
  await writeFile(
    join(root, 'hooks.mjs'),
    `export async function resolve(specifier, context, next) {
      return specifier === 'better-sqlite3' ? { url: ${JSON.stringify(target)}, shortCircuit: true } : next(specifier, context);
    }\n`,
  );
  await writeFile(
    join(root, 'register.mjs'),
    `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(root, 'hooks.mjs')).href)});\n`,
  );
  env = { NODE_OPTIONS: `--import=${pathToFileURL(join(root, 'register.mjs')).href}` };
});

it('serve, credentials and backup say the SQLite driver cannot load, and how to fix it', async () => {
  const data = await dataDirectory('patchbay-no-driver-data-');
  // A database for the operator commands to open (with the working driver of this process).
  const db = new Database(join(data, 'patchbay.db'));
  db.exec('CREATE TABLE t (x)');
  db.close();
  for (const args of [
    ['serve', '--port', '0', '--data', data],
    ['credentials', '--data', data],
    ['backup', join(data, 'copy'), '--data', data],
  ]) {
    const { code, stdout, stderr } = await runPatchbay(args, env);
    expect({ args, code, stdout, stderr }).toEqual({
      args,
      code: 1,
      stdout: '',
      stderr: `patchbay: the SQLite driver (better-sqlite3, a native module) cannot load: its compiled binary is missing (sqlite-unavailable): ${HINT}\n`,
    });
  }
});
