// The REST load of rtp-rest.mjs, in a child process of its own so the load it makes is the
// server's to bear, not this generator's: create-call requests (POST Calls.json with Twiml and a
// StatusCallback) over CONNECTIONS keep-alive connections, as fast as the server answers them,
// and a node:http sink for the status callbacks the server posts back.
// Messages: start {url, account, token, seconds, connections} -> done {sent, created, other,
// errors, p50, p99, callbacks}. Prints nothing.
import { createServer } from 'node:http';
import { Pool } from 'undici';

let callbacks = 0;
const sink = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    callbacks++;
    res.writeHead(204).end();
  });
});
sink.keepAliveTimeout = 60_000;
await new Promise((resolve) => sink.listen(0, '127.0.0.1', resolve));
const sinkUrl = `http://127.0.0.1:${sink.address().port}/status`;

async function load({ url, account, token, seconds, connections }) {
  const origin = new URL(url).origin;
  const pool = new Pool(origin, { connections });
  const path = `/2010-04-01/Accounts/${account}/Calls.json`;
  const headers = {
    authorization: `Basic ${Buffer.from(`${account}:${token}`).toString('base64')}`,
    'content-type': 'application/x-www-form-urlencoded',
  };
  const latencies = [];
  let sent = 0;
  let created = 0;
  let other = 0;
  let errors = 0;
  const until = performance.now() + seconds * 1000;
  const worker = async () => {
    while (performance.now() < until) {
      const n = sent++;
      const body = new URLSearchParams({
        To: `+1555${String(n % 10_000_000).padStart(7, '0')}`,
        From: '+15550900000',
        Twiml: '<Response><Say>Hello</Say><Hangup/></Response>',
        StatusCallback: sinkUrl,
        StatusCallbackEvent: 'completed',
      }).toString();
      const t0 = performance.now();
      try {
        const response = await pool.request({ origin, path, method: 'POST', headers, body });
        await response.body.dump();
        latencies.push(performance.now() - t0);
        if (response.statusCode === 201) created++;
        else other++;
      } catch {
        errors++;
      }
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: connections }, worker));
  const wallS = (performance.now() - t0) / 1000;
  await pool.close();
  latencies.sort((a, b) => a - b);
  const q = (p) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0;
  return { sent, created, other, errors, perSecond: created / wallS, p50: q(0.5), p99: q(0.99) };
}

process.on('message', async (m) => {
  if (m.t === 'start') {
    const result = await load(m);
    // Status callbacks of the last calls arrive after their 201s: wait for them briefly.
    const deadline = performance.now() + 3000;
    while (callbacks < result.created && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    process.send({ t: 'done', ...result, callbacks });
  } else if (m.t === 'close') {
    sink.close();
    process.exit(0);
  }
});
// A benchmark that dies leaves no load behind it.
process.once('disconnect', () => process.exit(0));
process.send({ t: 'ready' });
