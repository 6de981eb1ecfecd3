import { defineConfig } from 'vitest/config';

// One root config: `pnpm test` runs every package's and example's tests (each is a project), and
// the runtime's suites again against a three-node cluster (packages/runtime/vitest.cluster.config.ts).
// The projects run in three groups, one after the other (each project's sequence.groupOrder):
//   0. the examples, markup and the SDK, two files at a time: the examples' browsers and real-time
//      calls leave a core idle much of the time (the IVR quick start waits on its call for 30 s);
//   1. media and the runtime's suites on three nodes, one file at a time: media files share fixed
//      addresses and ports, and both judge audio or races in real time;
//   2. the runtime's own suites, two files at a time.
// Under CI a JSON report is written too, so .ci/run can print one plain "N passed, N failed" line.
export default defineConfig({
  test: {
    projects: ['packages/*', 'examples/*', 'packages/runtime/vitest.cluster.config.ts'],
    reporters: process.env.CI ? ['default', ['json', { outputFile: '.ci/test-results.json' }]] : ['default'],
  },
});
