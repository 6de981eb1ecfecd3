import { defineProject } from 'vitest/config';

// The runtime's suites run two files at a time, in the last group (sequence.groupOrder; the groups
// are described in the root vitest.config.ts): mostly loopback HTTP and timers, and two cores take two.
// A worker keeps the modules it imported from one file to the next (isolate: false): importing
// the runtime afresh for each of its 210 files took longer than the tests (the project ran in
// about 400 s, and 257 s without; every file passes either way).
export default defineProject({
  test: {
    name: 'runtime',
    include: ['src/**/*.test.ts'],
    sequence: { groupOrder: 2 },
    maxWorkers: 2,
    isolate: false,
  },
});
