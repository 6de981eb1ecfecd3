import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'markup',
    include: ['src/**/*.test.ts'],
    // Property tests run thousands of cases: seconds on a busy CI machine, not the default 5.
    testTimeout: 30_000,
    sequence: { groupOrder: 0 },
    maxWorkers: 2,
    typecheck: { enabled: true, include: ['src/**/*.test-d.ts'] },
  },
});
