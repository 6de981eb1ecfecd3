// The REST load the store and cluster benchmarks put on a Patchbay URL (one node, or a balancer):
// creates (POST Calls.json with Twiml and a status callback) held at `pacedRate` with list
// (GET Calls.json, 50 a page) alongside, then creates flat out. `meter()` reads the CPU ms of
// each component ({ name: ms }); the flat phase's difference is divided by its accepted creates.
import autocannon from 'autocannon';
import { ACCOUNT, HEADERS } from './servers.mjs';

export async function loadCalls({ url, app, seconds, connections, pacedConnections, pacedRate, meter = () => ({}) }) {
  const run = (options) => autocannon({ connections, duration: seconds, ...options });
  let n = 0;
  const form = () =>
    new URLSearchParams({
      To: `+1555${String(n++ % 10_000_000).padStart(7, '0')}`,
      From: '+15550900000',
      Twiml: '<Response><Say>Hello</Say><Hangup/></Response>',
      StatusCallback: `${app.url}/status`,
      StatusCallbackEvent: 'completed',
    }).toString();
  const base = `${url}/2010-04-01/Accounts/${ACCOUNT}`;
  const creates = (more) =>
    run({
      url: `${base}/Calls.json`,
      method: 'POST',
      headers: HEADERS,
      requests: [{ setupRequest: (request) => ({ ...request, body: form() }) }],
      ...more,
    });
  const [paced, listed] = await Promise.all([
    creates({ overallRate: pacedRate, connections: pacedConnections }),
    run({ url: `${base}/Calls.json?PageSize=50`, headers: { authorization: HEADERS.authorization }, connections: 2 }),
  ]);
  const before = meter();
  const flat = await creates({});
  const after = meter();
  const accepted = Math.max(1, flat['2xx']);
  const cpuPerCreate = Object.fromEntries(
    Object.keys(after).map((name) => [name, (after[name] - (before[name] ?? 0)) / accepted]),
  );
  return {
    rate: flat['2xx'] / (flat.duration || seconds),
    flat,
    pacedRate: paced['2xx'] / (paced.duration || seconds),
    listed,
    cpuPerCreate,
    failed: [paced, listed, flat].some((result) => result.non2xx > 0 || result.errors > 0),
  };
}
