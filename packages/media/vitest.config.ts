import { defineProject } from 'vitest/config';

// Tests with real peers (baresip phones, sipp, espeak-ng) place real calls: seconds, not milliseconds.
// One file at a time, whatever the machine: files share fixed addresses and port ranges
// (127.0.31.x:5060, RTP ranges), and audio is judged in real time (groups: vitest.config.ts).
export default defineProject({
  test: {
    name: 'media',
    include: ['src/**/*.test.ts'],
    testTimeout: 60_000,
    sequence: { groupOrder: 1 },
    maxWorkers: 1,
  },
});
