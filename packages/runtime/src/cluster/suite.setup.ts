/**
 * The `runtime-cluster` project's setup file: each test file gets its PostgreSQL database and Redis
 * once, before its tests (suite.test-support.ts), and they stop after them.
 */
import { afterAll, beforeAll } from 'vitest';
import { startClusterServices, stopClusterServices } from './suite.test-support.js';

beforeAll(() => startClusterServices(), 60_000);
afterAll(() => stopClusterServices());
