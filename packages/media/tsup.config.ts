import { defineConfig } from 'tsup';

export default defineConfig({
  // The media worker is its own entry: a Worker needs a JavaScript file, found next to index.js
  // (see src/engine/worker-script.ts). `shims` gives the CJS build an import.meta.url.
  entry: { index: 'src/index.ts', testing: 'src/testing/public.ts', 'engine-worker': 'src/engine/worker/main.ts' },
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'src/index.ts', testing: 'src/testing/public.ts' } },
  clean: true,
  sourcemap: true,
  shims: true,
  target: 'node20',
  // only used to bundle the worker when running from sources (tests); never part of dist
  external: ['esbuild'],
});
