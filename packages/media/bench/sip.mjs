// SIP calls per second (runs from dist: `pnpm build` first; needs sipp on the PATH). sipp places
// calls for BENCH_SIP_SECONDS at a fixed rate against three answerers, side by side in one run:
//   baseline   a bare UDP responder answering INVITE and BYE by string templates (Node's UDP I/O
//              with no SIP stack), sipp's built-in uac (INVITE/200/ACK, 50 ms, BYE/200)
//   agent      our SipAgent answering the same calls (signaling only, no media)
//   serve      the built CLI, `patchbay serve --media sip`, in its own process: a number whose app
//              answers <Response><Say>Hello</Say></Response>; sipp (bench/sipp-uac-say.xml, no
//              RTP of its own) calls it, hears the Say and answers the server's BYE. The app and
//              its webhooks, SQLite, the RTP leg and the prompt are all in the call; espeak-ng
//              renders "Hello" once, on a warm-up call, and the cache plays it after. One run
//              per rate in BENCH_SIP_SERVE_RATES, against the same server.
// Reported: calls that succeeded and failed, how long sipp ran (calls at the offered rate, then
// the last ones ending), CPU per call of the answering process (this one for the first two; the
// server's process, all its threads, for serve) and its ratio to the baseline, and calls per core
// (1 s / CPU per call). Goal (serve): >= 200 calls/s with zero failures, on one core.
//
// Environment: BENCH_SIP_SECONDS (per run, default 10), BENCH_SIP_RATE (baseline and agent,
// default 200), BENCH_SIP_SERVE_RATES (serve, default 100,200), BENCH_SIP_HOST (the answerers'
// address, default 127.0.0.102; sipp uses the next one), BENCH_SIP_RTP_PORT (the server's first
// RTP port, default 52000; it takes 4,000).
import { execFileSync, spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const SECONDS = Number(process.env.BENCH_SIP_SECONDS ?? 10);
const RATE = Number(process.env.BENCH_SIP_RATE ?? 200);
const SERVE_RATES = (process.env.BENCH_SIP_SERVE_RATES ?? '100,200').split(',').map(Number);
const callsAt = (rate) => Math.max(1, Math.ceil(rate * SECONDS));
const HOST = process.env.BENCH_SIP_HOST ?? '127.0.0.102';
const SIPP_HOST = HOST.replace(/\d+$/, (last) => String(Number(last) + 1));
const RTP_PORT = Number(process.env.BENCH_SIP_RTP_PORT ?? 52000);
const GOAL_CPS = 200;
const NUMBER = '+15550100100';
const SDP = `v=0\r\no=- 1 1 IN IP4 ${HOST}\r\ns=-\r\nc=IN IP4 ${HOST}\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\n`;
const { SipAgent } = await import('../dist/index.js');
const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** Runs sipp to its end and returns its counts (from its final screen). */
function runSipp(port, { calls = callsAt(RATE), rate = RATE, scenario = ['-sn', 'uac', '-d', '50'] } = {}) {
  return new Promise((resolve) => {
    const args = [
      `${HOST}:${port}`,
      ...scenario,
      '-i',
      SIPP_HOST,
      '-mi',
      SIPP_HOST,
      '-p',
      '0',
      '-r',
      String(rate),
      '-m',
      String(calls),
      '-recv_timeout',
      '15000',
      '-nostdin',
      '-timeout',
      '300s',
    ];
    const t0 = performance.now();
    const child = spawn('sipp', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code) => {
      const seconds = (performance.now() - t0) / 1000;
      const count = (name) =>
        Number(new RegExp(`${name}\\s*\\|\\s*\\d+\\s*\\|\\s*(\\d+)`).exec(out)?.[1] ?? Number.NaN);
      const ok = count('Successful call');
      const failed = count('Failed call');
      if (!(ok > 0) || failed > 0) {
        // Its last scenario screen: each message's count, retransmissions, timeouts, unexpected.
        const screen = out.lastIndexOf('Messages  Retrans');
        process.stderr.write(`sipp exited ${code}:\n${out.slice(screen > 0 ? screen - 200 : -3000).slice(0, 3000)}\n`);
      }
      resolve({ code, ok, failed, seconds });
    });
  });
}

/** CPU seconds a process (all its threads, and its waited-for children) has used, from /proc. */
function processCpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime, stime, cutime, cstime are fields 14-17 of stat(5); fields[0] here is field 3.
  const ticks = fields.slice(11, 15).reduce((sum, value) => sum + Number(value), 0);
  return ticks / TICKS_PER_SECOND;
}

const rows = [];
/** Runs sipp against what `start` started; `cpu()` gives the answering process's CPU seconds so far. */
async function measure(name, start, options) {
  const { port, stop, cpu } = await start();
  let result;
  let cpuMsPerCall;
  try {
    const cpu0 = cpu();
    result = await runSipp(port, options);
    cpuMsPerCall = ((cpu() - cpu0) * 1000) / Math.max(1, result.ok);
  } finally {
    await stop();
  }
  const row = { name, ...result, cpuMsPerCall };
  rows.push(row);
  return row;
}

const ownCpu = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
};

const baseline = await measure('baseline: bare UDP templates', async () => {
  const socket = dgram.createSocket('udp4');
  await new Promise((r) => socket.bind(0, HOST, r));
  socket.on('message', (buf, rinfo) => {
    const text = buf.toString();
    const method = /^(\w+) /.exec(text)?.[1];
    if (method !== 'INVITE' && method !== 'BYE') return;
    const copy = (h) => (new RegExp(`^${h}:.*$`, 'mi').exec(text)?.[0] ?? '').replace(/\r$/, '');
    const to = method === 'INVITE' ? `${copy('To')};tag=b${Math.random().toString(36).slice(2, 8)}` : copy('To');
    const body = method === 'INVITE' ? SDP : '';
    const head = [
      'SIP/2.0 200 OK',
      copy('Via'),
      copy('From'),
      to,
      copy('Call-ID'),
      copy('CSeq'),
      `Contact: <sip:b@${HOST}:${socket.address().port}>`,
    ];
    if (body) head.push('Content-Type: application/sdp');
    head.push(`Content-Length: ${Buffer.byteLength(body)}`, '', body);
    socket.send(head.join('\r\n'), rinfo.port, rinfo.address);
  });
  return { port: socket.address().port, stop: () => new Promise((r) => socket.close(r)), cpu: ownCpu };
});

await measure('agent: SipAgent', async () => {
  const a = await SipAgent.start({ listen: [{ transport: 'udp', host: HOST, port: 0 }] });
  a.on('invite', (call) => void call.answer(SDP).catch(() => {}));
  return { port: a.addresses[0].port, stop: () => a.close(), cpu: ownCpu };
});

// ---------------------------------------------------------------- patchbay serve --media sip
const ACCOUNT = `AC${'c'.repeat(32)}`;
const TOKEN = 'f'.repeat(32);

async function startApp() {
  let requests = 0;
  const app = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      requests++;
      if (req.url === '/voice')
        res.writeHead(200, { 'content-type': 'text/xml' }).end('<Response><Say>Hello</Say></Response>');
      else res.writeHead(204).end();
    });
  });
  app.keepAliveTimeout = 60_000;
  await new Promise((resolve) => app.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${app.address().port}`, requests: () => requests, close: () => app.close() };
}

/** A free UDP port on HOST for the server's SIP. */
async function freeUdpPort() {
  const socket = dgram.createSocket('udp4');
  await new Promise((r) => socket.bind(0, HOST, r));
  const { port } = socket.address();
  await new Promise((r) => socket.close(r));
  return port;
}

async function startPatchbay(app) {
  const data = await mkdtemp(join(tmpdir(), 'patchbay-sip-bench-'));
  const sipPort = await freeUdpPort();
  const bin = fileURLToPath(new URL('../../runtime/bin/patchbay.js', import.meta.url));
  const args = [
    ...['serve', '--port', '0', '--data', data, '--log-level', 'warn', '--account-max-calls', '1000000'],
    ...['--media', 'sip', '--sip-listen', `udp:${HOST}:${sipPort}`, '--sip-allow', SIPP_HOST],
    ...['--rtp-ports', `${RTP_PORT}-${RTP_PORT + 3999}`],
  ];
  const child = spawn(process.execPath, [bin, ...args], {
    env: { ...process.env, PATCHBAY_ACCOUNT_SID: ACCOUNT, PATCHBAY_AUTH_TOKEN: TOKEN },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = async () => {
    child.kill('SIGTERM');
    await exited;
    await rm(data, { recursive: true, force: true });
  };
  try {
    let url;
    for await (const line of createInterface({ input: child.stdout })) {
      url ??= /listening on (\S+)/.exec(line)?.[1];
      if (line === 'Ready.') break;
    }
    child.stdout.resume();
    if (!url) throw new Error('patchbay serve did not start');
    const response = await fetch(`${url}/2010-04-01/Accounts/${ACCOUNT}/IncomingPhoneNumbers.json`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${ACCOUNT}:${TOKEN}`).toString('base64')}` },
      body: new URLSearchParams({ PhoneNumber: NUMBER, VoiceUrl: `${app.url}/voice` }),
    });
    if (response.status !== 201) throw new Error(`buying ${NUMBER}: ${response.status} ${await response.text()}`);
  } catch (error) {
    await stop();
    throw error;
  }
  return { port: sipPort, cpu: () => processCpuSeconds(child.pid), stop };
}

const app = await startApp();
const scenario = ['-sf', fileURLToPath(new URL('./sipp-uac-say.xml', import.meta.url)), '-s', NUMBER];
const served = [];
try {
  const server = await startPatchbay(app);
  try {
    // The first call renders "Hello" with espeak-ng; the measured calls play it from the cache.
    const warm = await runSipp(server.port, { calls: 1, rate: 1, scenario });
    if (warm.ok !== 1) throw new Error('the warm-up call to patchbay serve failed');
    for (const rate of SERVE_RATES) {
      const cpu0 = server.cpu();
      const result = await runSipp(server.port, { calls: callsAt(rate), rate, scenario });
      const cpuMsPerCall = ((server.cpu() - cpu0) * 1000) / Math.max(1, result.ok);
      served.push({ rate, calls: callsAt(rate), ...result, cpuMsPerCall });
      rows.push({ name: `serve at ${rate}/s: INVITE, Say, BYE`, ...result, cpuMsPerCall });
    }
  } finally {
    await server.stop();
  }
} finally {
  app.close();
}

console.log(
  `SIP calls: sipp for ${SECONDS} s per run (baseline and agent at ${RATE} calls/s), answerers on ${HOST}, sipp on ${SIPP_HOST}`,
);
console.log('answerer                              ok  failed  sipp run s  CPU ms/call  ratio  calls/core');
for (const r of rows) {
  const ratio = (r.cpuMsPerCall / baseline.cpuMsPerCall).toFixed(2);
  const perCore = String(Math.floor(1000 / r.cpuMsPerCall));
  console.log(
    `${r.name.padEnd(36)} ${String(r.ok).padStart(4)}  ${String(r.failed).padStart(6)}  ${r.seconds.toFixed(1).padStart(10)}  ${r.cpuMsPerCall.toFixed(3).padStart(11)}  ${ratio.padStart(5)}  ${perCore.padStart(10)}`,
  );
}
const clean = served.filter((r) => r.failed === 0 && r.ok === r.calls);
const best = clean.at(-1);
const atGoal = served.find((r) => r.rate >= GOAL_CPS);
const perCore = atGoal ? Math.floor(1000 / atGoal.cpuMsPerCall) : 0;
const ok = clean.some((r) => r.rate >= GOAL_CPS) && perCore >= GOAL_CPS;
console.log(
  `INVITE -> Say -> BYE: ${ok ? 'MET' : 'NOT MET'} (goal >= ${GOAL_CPS} calls/s with zero failures on one core; highest rate with zero failures ${best ? `${best.rate} calls/s` : 'none'} of ${SERVE_RATES.join(', ')}; ${atGoal ? `at ${atGoal.rate} calls/s ${atGoal.failed} of ${atGoal.calls} failed, ${atGoal.cpuMsPerCall.toFixed(2)} ms CPU per call = ${perCore} calls per core-second` : `no run at ${GOAL_CPS} calls/s`})`,
);
// Calls failing past the capacity is a figure; failing everywhere is a broken benchmark or server.
if (rows.slice(0, 2).some((r) => r.failed > 0 || !(r.ok > 0)) || clean.length === 0) process.exitCode = 1;
