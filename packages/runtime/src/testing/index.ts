/**
 * @patchbay/runtime/testing: what tests of apps and adapters use: virtual time, a loopback app
 * server, and (with the media adapter) the shared conformance suite; for tests of a cluster
 * (docs/cluster.md), a fresh PostgreSQL database, a redis-server, and the bus set that lists the
 * nodes holding an identity's devices.
 */

export { simulatedHarness } from '../adapters/simulated/harness.js';
export { VirtualClock } from '../clock/virtual.js';
export { presenceSet } from '../cluster/devices-presence.js';
export { startRedis, type TestRedis } from '../cluster/redis.test-support.js';
export { startPostgres, type TestPostgres, usePostgres } from '../store/postgres.test-support.js';
export { type AppServer, type RecordedRequest, type Reply, type Route, startAppServer } from './app-server.js';
export { type BusCluster, runBusConformance } from './bus-conformance.js';
export { type AdapterHarness, type FarEnd, type Heard, runMediaAdapterConformance } from './media-conformance.js';
export { APP_NUMBER, AUTH_TOKEN, CALLER, type Scenario, scenario } from './scenario.js';
export { runStoreConformance } from './store-conformance.js';
export { selfSignedCert } from './tls.js';
