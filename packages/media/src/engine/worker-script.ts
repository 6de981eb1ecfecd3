/**
 * Where the worker's JavaScript comes from. A Worker needs JavaScript, not TypeScript:
 * - from the built package, `dist/engine-worker.js` sits next to `dist/index.js` (tsup builds it
 *   as its own entry, see tsup.config.ts), found relative to this module's URL;
 * - from sources (vitest runs `.ts`), the worker entry is bundled on the fly with esbuild (a dev
 *   dependency, already there for tsup) into one temporary `.mjs` file, once per process.
 * `MediaEngine.start({ workerScript })` overrides both.
 *
 * @example
 * const url = await resolveWorkerScript(); new Worker(url, { workerData });
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { EngineError } from './errors.js';

let compiled: Promise<URL> | undefined;

async function compileFromSource(entry: string): Promise<URL> {
  const dir = join(tmpdir(), 'patchbay-media');
  mkdirSync(dir, { recursive: true });
  const outfile = join(dir, `engine-worker-${process.pid}-${Date.now()}.mjs`);
  const esbuild = await import('esbuild');
  await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    logLevel: 'silent',
  });
  process.once('exit', () => rmSync(outfile, { force: true }));
  return pathToFileURL(outfile);
}

export function resolveWorkerScript(): Promise<URL> {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) {
    const built = new URL('./engine-worker.js', here);
    if (existsSync(fileURLToPath(built))) return Promise.resolve(built);
    return Promise.reject(
      new EngineError('worker-failed', `the worker script ${built.href} is missing; build the package`),
    );
  }
  compiled ??= compileFromSource(fileURLToPath(new URL('./worker/main.ts', here))).catch((e: unknown) => {
    compiled = undefined;
    throw new EngineError(
      'worker-failed',
      'could not bundle the worker from source (is esbuild installed?)',
      'worker-script',
      { cause: e },
    );
  });
  return compiled;
}
