import { defineProject } from 'vitest/config';

// The runtime's suites run two files at a time, in a group of their own after the other projects
// (sequence.groupOrder): they are mostly loopback HTTP and timers, and two cores take two of them.
// The media and example suites (real-time audio: baresip, sipp, a browser) and the cluster suites
// (three nodes, nginx, PostgreSQL and Redis per file) keep one file at a time, before them.
export default defineProject({
  test: { name: 'runtime', include: ['src/**/*.test.ts'], sequence: { groupOrder: 1 }, maxWorkers: 2 },
});
