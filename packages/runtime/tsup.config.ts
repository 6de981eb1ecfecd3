import { defineConfig } from 'tsup';

// dist/ is emptied by the build script: two configs cleaning the same folder would race.
const common = { dts: true, sourcemap: true, target: 'node20', shims: true } as const;

export default defineConfig([
  {
    ...common,
    entry: { index: 'src/index.ts', 'cli/bin': 'src/cli/bin.ts' },
    format: ['esm', 'cjs'],
  },
  // ESM only: the conformance suites are vitest suites, and vitest cannot be require()d.
  { ...common, entry: { 'testing/index': 'src/testing/index.ts' }, format: ['esm'] },
]);
