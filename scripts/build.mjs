#!/usr/bin/env node
// `pnpm build`: every package under packages/ built with its own `build` script, a package only
// after the workspace packages it depends on, one line per package. A failure prints that
// package's build output and exits with its code.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { capture, seconds } from './steps.mjs';

const root = join(import.meta.dirname, '..');
const packages = readdirSync(join(root, 'packages'))
  .map((name) => join(root, 'packages', name))
  .filter((dir) => existsSync(join(dir, 'package.json')))
  .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }))
  .filter(({ manifest }) => manifest.scripts?.build);
const names = new Set(packages.map(({ manifest }) => manifest.name));
const needs = (manifest) =>
  Object.keys({ ...manifest.dependencies, ...manifest.devDependencies }).filter((name) => names.has(name));

const started = performance.now();
console.log(`Building ${packages.map(({ manifest }) => manifest.name).join(', ')}...`);
const built = new Set();
while (built.size < packages.length) {
  // The packages whose workspace dependencies are built go together.
  const ready = packages.filter(
    ({ manifest }) => !built.has(manifest.name) && needs(manifest).every((name) => built.has(name)),
  );
  if (ready.length === 0) throw new Error('the workspace packages depend on each other in a cycle');
  await Promise.all(
    ready.map(async ({ dir, manifest }) => {
      const since = performance.now();
      // The package's build script as pnpm runs it: a shell, with the package's bins on the PATH.
      const path = [join(dir, 'node_modules/.bin'), join(root, 'node_modules/.bin'), process.env.PATH].join(delimiter);
      const { code, output } = await capture(manifest.scripts.build, [], {
        cwd: dir,
        shell: true,
        env: { ...process.env, PATH: path },
      });
      if (code !== 0) {
        process.stderr.write(`${output.trimEnd()}\n\n${manifest.name}: build failed (exit code ${code})\n`);
        process.exit(code);
      }
      console.log(`  ${manifest.name} built (${seconds(since)})`);
      built.add(manifest.name);
    }),
  );
}
console.log(`Built in ${seconds(started)}.`);
