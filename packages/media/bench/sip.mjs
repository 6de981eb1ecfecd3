// SIP signaling load check: sipp places INVITE/200/ACK/BYE calls at a fixed rate against the
// agent, then against a minimal Node UAS that answers by string templates (the baseline: Node's
// UDP I/O with no SIP stack). Prints calls/s, failures and CPU per call, and the ratio.
//
//   node bench/sip.mjs            (needs `pnpm build` and sipp on the PATH)
//   SIP_BENCH_CALLS=2000 SIP_BENCH_RATE=200 node bench/sip.mjs
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';

const CALLS = Number(process.env.SIP_BENCH_CALLS ?? 1000);
const RATE = Number(process.env.SIP_BENCH_RATE ?? 200);
const HOST = '127.0.33.1';
const SDP = `v=0\r\no=- 1 1 IN IP4 ${HOST}\r\ns=-\r\nc=IN IP4 ${HOST}\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\n`;
const { SipAgent } = await import(process.env.SIP_BENCH_MODULE ?? '../dist/index.js');
if (!SipAgent) throw new Error('SipAgent is not exported from the built package');

function runSipp(port) {
  return new Promise((resolve) => {
    const args = [
      `${HOST}:${port}`,
      '-sn',
      'uac',
      '-i',
      '127.0.33.2',
      '-p',
      '0',
      '-r',
      String(RATE),
      '-m',
      String(CALLS),
      '-d',
      '50',
      '-nostdin',
      '-timeout',
      '120s',
    ];
    const child = spawn('sipp', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code) => {
      const count = (name) =>
        Number(new RegExp(`${name}\\s*\\|\\s*\\d+\\s*\\|\\s*(\\d+)`).exec(out)?.[1] ?? Number.NaN);
      resolve({ code, ok: count('Successful call'), failed: count('Failed call') });
    });
  });
}

async function measure(name, start) {
  const { port, stop } = await start();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await runSipp(port);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  await stop();
  const cpuMsPerCall = (cpu.user + cpu.system) / 1000 / Math.max(1, result.ok);
  console.log(
    `${name.padEnd(20)} ${result.ok} ok, ${result.failed} failed, ${(result.ok / seconds).toFixed(0)} calls/s, ${cpuMsPerCall.toFixed(3)} ms CPU per call`,
  );
  return { ...result, cpuMsPerCall };
}

const agent = await measure('patchbay SipAgent', async () => {
  const a = await SipAgent.start({ listen: [{ transport: 'udp', host: HOST, port: 0 }] });
  a.on('invite', (call) => void call.answer(SDP).catch(() => {}));
  return { port: a.addresses[0].port, stop: () => a.close() };
});

const baseline = await measure('baseline (templates)', async () => {
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
  return { port: socket.address().port, stop: () => new Promise((r) => socket.close(r)) };
});

console.log(`CPU per call, SipAgent / baseline: ${(agent.cpuMsPerCall / baseline.cpuMsPerCall).toFixed(2)}x`);
if (agent.failed > 0 || !(agent.ok > 0)) process.exitCode = 1;
