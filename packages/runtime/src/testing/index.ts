/**
 * @patchbay/runtime/testing: what tests of apps and adapters use: virtual time, a loopback app
 * server, and (with the media adapter) the shared conformance suite.
 */
export { VirtualClock } from '../clock/virtual.js';
export { type AppServer, type RecordedRequest, type Reply, type Route, startAppServer } from './app-server.js';
