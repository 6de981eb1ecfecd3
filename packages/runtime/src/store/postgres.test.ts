import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runStoreConformance } from '../testing/store-conformance.js';
import { PostgresStore } from './postgres.js';
import { startPostgres, type TestPostgres } from './postgres.test-support.js';

let server: TestPostgres;
beforeAll(async () => {
  server = await startPostgres();
}, 60_000);
afterAll(() => server?.stop());

runStoreConformance('postgres', async () => PostgresStore.open(await server.database()));
