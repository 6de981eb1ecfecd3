import { defineConfig } from 'vitest/config';

// One root config: `pnpm test` runs every package's and example's tests (each is a project).
// Under CI a JSON report is written too, so .ci/run can print one plain "N passed, N failed" line.
export default defineConfig({
  test: {
    projects: ['packages/*', 'examples/*'],
    reporters: process.env.CI ? ['default', ['json', { outputFile: '.ci/test-results.json' }]] : ['default'],
  },
});
