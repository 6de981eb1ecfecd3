import { defineConfig } from 'vitest/config';

// One root config: `pnpm test` runs every package's and example's tests (each is a project), and
// the runtime's suites again against a three-node cluster (packages/runtime/vitest.cluster.config.ts).
// Under CI a JSON report is written too, so .ci/run can print one plain "N passed, N failed" line.
export default defineConfig({
  test: {
    projects: ['packages/*', 'examples/*', 'packages/runtime/vitest.cluster.config.ts'],
    reporters: process.env.CI ? ['default', ['json', { outputFile: '.ci/test-results.json' }]] : ['default'],
  },
});
