import { defineProject } from 'vitest/config';

// The runtime's suites run two files at a time, in the last group (sequence.groupOrder; the groups
// are described in the root vitest.config.ts): mostly loopback HTTP and timers, and two cores take two.
export default defineProject({
  test: { name: 'runtime', include: ['src/**/*.test.ts'], sequence: { groupOrder: 2 }, maxWorkers: 2 },
});
