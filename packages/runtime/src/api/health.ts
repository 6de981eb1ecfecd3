/**
 * `GET /health`: whether the server takes changes, for load balancers and monitoring. No
 * authentication and no account data: 200 `{"status":"ok"}`, or 503 (with `Retry-After`) and
 * `{"status":"degraded","code":"store-full","reason":"...","since":"<ISO time>"}` while the store
 * refuses writes, `{"status":"draining"}` while the server shuts down, or
 * `{"status":"partitioned","code":"partitioned",...}` while a cluster node has lost its bus.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ClusterHealth } from '../cluster/nodes.js';
import type { HealthState } from '../store/health.js';
import { sendJson } from './http.js';
import { RETRY_AFTER_S } from './server.js';

export type HealthReport = HealthState | { readonly status: 'draining' } | ClusterHealth;

export const HEALTH_PATH = '/health';

/** Answers `GET /health` (true), or leaves the request alone (false). */
export function healthEndpoint(report: () => HealthReport): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    if ((req.url ?? '').split('?')[0] !== HEALTH_PATH || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
    const state = report();
    const body = 'since' in state ? { ...state, since: new Date(state.since).toISOString() } : state;
    const headers: Record<string, string> = { 'cache-control': 'no-store' };
    if (state.status !== 'ok') headers['retry-after'] = String(RETRY_AFTER_S);
    sendJson(res, state.status === 'ok' ? 200 : 503, body, headers);
    return true;
  };
}
