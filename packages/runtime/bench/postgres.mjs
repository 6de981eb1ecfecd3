// The PostgreSQL store against SQLite, in the same run: `patchbay serve` in its own process on
// each store in turn (SQLite in a temp data directory; PostgreSQL started here with initdb on
// 127.0.0.1, as the postgres user under root), driven by autocannon from this one:
//   - creates (POST Calls.json) held at 1,000/s with list (GET Calls.json, 50 a page) alongside:
//     list p50/p99;
//   - create-call requests/s accepted flat out, and the PostgreSQL node / SQLite node ratio
//     (goal >= 0.6: what sharing the store across nodes costs one node);
//   - CPU per create of the node process and of the PostgreSQL server (postmaster and its
//     backends, from /proc: utime + stime, with the reaped backends' cutime + cstime).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCalls } from './api-load.mjs';
import { cpuMs, startApp, startPatchbay, startPostgres, treeCpuMs } from './servers.mjs';

const SECONDS = Number(process.env.BENCH_API_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_API_CONNECTIONS ?? 32);
const PACED_CONNECTIONS = Number(process.env.BENCH_API_PACED_CONNECTIONS ?? 16);
const GOALS = { ratio: 0.6, pacedRate: 1000 };

/** The figures of one node on one store. */
async function measure(label, extra, app, postmaster) {
  const data = await mkdtemp(join(tmpdir(), 'patchbay-bench-'));
  // The shared store needs the key that seals SIP passwords on every node.
  const server = await startPatchbay(data, extra, postmaster ? 'ab'.repeat(32) : '');
  try {
    const result = await loadCalls({
      url: server.url,
      app,
      seconds: SECONDS,
      connections: CONNECTIONS,
      pacedConnections: PACED_CONNECTIONS,
      pacedRate: GOALS.pacedRate,
      meter: () => ({ node: cpuMs(server.pid), db: postmaster ? treeCpuMs(postmaster) : 0 }),
    });
    return {
      label,
      ...result,
      nodeCpuPerCreate: result.cpuPerCreate.node,
      dbCpuPerCreate: result.cpuPerCreate.db,
    };
  } finally {
    server.stop();
    await server.exited;
    await rm(data, { recursive: true, force: true });
  }
}

const app = await startApp();
const postgres = await startPostgres();
try {
  const sqlite = await measure('SQLite', [], app);
  const pg = await measure('PostgreSQL', ['--store', postgres.url], app, postgres.postmaster);
  console.log(
    `(pg) one node on PostgreSQL against one on SQLite, same run, patchbay serve in its own process, ${CONNECTIONS} connections, ${SECONDS} s a phase`,
  );
  for (const r of [sqlite, pg]) {
    const db = r === pg ? `, PostgreSQL server ${r.dbCpuPerCreate.toFixed(3)} ms` : '';
    console.log(
      `    ${r.label.padEnd(10)} create flat out ${r.rate.toFixed(0)} req/s (p50 ${r.flat.latency.p50} ms, p99 ${r.flat.latency.p99} ms); list 50 with creates at ${r.pacedRate.toFixed(0)}/s: p50 ${r.listed.latency.p50} ms, p99 ${r.listed.latency.p99} ms; CPU per create: node ${r.nodeCpuPerCreate.toFixed(3)} ms${db}`,
    );
  }
  const ratio = pg.rate / sqlite.rate;
  console.log(
    `    PostgreSQL / SQLite create throughput = ${ratio.toFixed(3)} (goal >= ${GOALS.ratio}) ${ratio >= GOALS.ratio ? 'MET' : 'NOT MET'}`,
  );
  if (sqlite.failed || pg.failed) {
    console.error('    some requests failed');
    process.exitCode = 1;
  }
} finally {
  app.stop();
  await postgres.stop();
}
