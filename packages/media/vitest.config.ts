import { defineProject } from 'vitest/config';

// Tests with real peers (baresip phones, sipp, espeak-ng) place real calls: seconds, not milliseconds.
export default defineProject({ test: { name: 'media', include: ['src/**/*.test.ts'], testTimeout: 60_000 } });
