import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'example-rooms-console',
    include: ['src/**/*.test.ts'],
    testTimeout: 60_000,
    sequence: { groupOrder: 0 },
    maxWorkers: 2,
  },
});
