import { defineProject } from 'vitest/config';

// The existing REST, device and runtime suites again, each harness three nodes behind nginx on
// PostgreSQL and Redis (src/cluster/suite.test-support.ts; docs/cluster.md "What the tests run").
// A file left out is listed with the reason.
export default defineProject({
  test: {
    name: 'runtime-cluster',
    env: { PATCHBAY_TEST_CLUSTER: '3' },
    setupFiles: ['src/cluster/suite.setup.ts'],
    include: (process.env.CLUSTER_FILES ?? 'src/api/api.test.ts').split(','),
  },
});
