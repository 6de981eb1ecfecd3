import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'example-runtime-demo', include: ['src/**/*.test.ts'], sequence: { groupOrder: 0 }, maxWorkers: 2 },
});
