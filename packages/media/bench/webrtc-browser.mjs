// Accept -> audio in a real browser (runs from dist: `pnpm build` first). Debian's Chromium
// (playwright-core, never a downloaded browser) runs the SDK's Device against a Patchbay server
// with real media (startServer with the built @patchbay/media, as `patchbay serve --media sip`),
// whose app answers every call with a looping <Play> of a tone. Measured in the page, from the
// user's action to the far end's audio track unmuting (Chromium unmutes a remote track when its
// first RTP packet is decoded):
//   incoming   a REST call to client:alice rings the page; from call.accept() to audio
//   outgoing   from device.connect() to audio (the app's <Play>)
//   baseline   two RTCPeerConnections inside the page on loopback, no server: from applying the
//              answer to audio. The floor WebRTC itself costs on this machine.
// Reported: p50/p99 per direction and its ratio to the baseline's p50. Goal: p50 < 300 ms.
//
// Environment: BENCH_BROWSER_CALLS (per direction, default 10), BENCH_BROWSER_HOST (default
// 127.0.45.10). Ports: 45000-45999.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// CI's short run leaves this one out for time (BENCH_SKIP=webrtc-browser, .ci/run); `pnpm bench` runs it.
if ((process.env.BENCH_SKIP ?? '').split(',').includes('webrtc-browser')) {
  console.log('webrtc-browser benchmark: skipped (BENCH_SKIP)');
  process.exit(0);
}

const env = (name, fallback) => process.env[name] ?? fallback;
const calls = Number(env('BENCH_BROWSER_CALLS', '10'));
const host = env('BENCH_BROWSER_HOST', '127.0.45.10');
const GOAL_P50_MS = 300;

const media = await import('../dist/index.js');
const { startServer } = await import('@patchbay/runtime');
const { AccessToken, VoiceGrant } = await import('@patchbay/sdk');
const { build } = await import('esbuild');
const { chromium } = await import('playwright-core');

// ------------------------------------------------------------------ the page
const PAGE = `
import { Device } from '@patchbay/sdk/client';
let device;
const unmuted = (call) => new Promise((resolve, reject) => {
  const started = Date.now();
  const poll = () => {
    const track = call.getRemoteStream?.()?.getAudioTracks()[0];
    if (track && !track.muted) return resolve();
    if (call.status() === 'closed' || Date.now() - started > 20000) return reject(new Error('no audio: ' + call.status()));
    setTimeout(poll, 2);
  };
  poll();
});
// Every incoming call is queued from the moment the device registers: the REST request that rings
// the page can arrive before the page is asked for its next call.
const arrived = [];
const waiting = [];
const nextIncoming = () => new Promise((resolve, reject) => {
  if (arrived.length) return resolve(arrived.shift());
  const timer = setTimeout(() => reject(new Error('no incoming call within 20 s')), 20000);
  waiting.push((call) => { clearTimeout(timer); resolve(call); });
});
// The next call starts once the last one is over on both sides.
const ended = (call) => new Promise((resolve) => {
  if (call.status() === 'closed') return resolve();
  const timer = setTimeout(resolve, 5000);
  call.once('disconnect', () => { clearTimeout(timer); resolve(); });
  call.disconnect();
});
globalThis.bench = {
  async start(token, server) {
    device = new Device(token, { server });
    device.on('incoming', (call) => {
      const waiter = waiting.shift();
      if (waiter) waiter(call);
      else arrived.push(call);
    });
    await device.register();
  },
  async incoming() {
    const call = await nextIncoming();
    const t0 = performance.now();
    await call.accept();
    await unmuted(call);
    const ms = performance.now() - t0;
    await ended(call);
    return ms;
  },
  async outgoing() {
    const t0 = performance.now();
    const call = await device.connect({ params: {} });
    await unmuted(call);
    const ms = performance.now() - t0;
    await ended(call);
    return ms;
  },
  async baseline() {
    const a = new RTCPeerConnection();
    const b = new RTCPeerConnection();
    a.onicecandidate = (e) => e.candidate && b.addIceCandidate(e.candidate);
    b.onicecandidate = (e) => e.candidate && a.addIceCandidate(e.candidate);
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    for (const track of stream.getTracks()) a.addTrack(track, stream);
    const heard = new Promise((resolve) => (b.ontrack = (e) => {
      const poll = () => (e.track.muted ? setTimeout(poll, 2) : resolve());
      poll();
    }));
    await a.setLocalDescription(await a.createOffer());
    await b.setRemoteDescription(a.localDescription);
    await b.setLocalDescription(await b.createAnswer());
    const t0 = performance.now();
    await a.setRemoteDescription(b.localDescription);
    await heard;
    const ms = performance.now() - t0;
    for (const track of stream.getTracks()) track.stop();
    a.close();
    b.close();
    return ms;
  },
};
`;

async function pageScript() {
  const bundled = await build({
    stdin: { contents: PAGE, resolveDir: fileURLToPath(new URL('.', import.meta.url)), loader: 'js' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  return bundled.outputFiles[0]?.text ?? '';
}

/** One second of 440 Hz, 16-bit PCM at 8 kHz, played in a loop by the app. */
function toneWav() {
  const rate = 8000;
  const pcm = Buffer.alloc(rate * 2);
  for (let i = 0; i < rate; i++) pcm.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / rate)), i * 2);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + pcm.length, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(pcm.length, 40);
  return Buffer.concat([header, pcm]);
}

// ------------------------------------------------------------------ servers
const data = await mkdtemp(join(tmpdir(), 'patchbay-bench-browser-'));
const server = await startServer({
  port: 0,
  host,
  data,
  media: {
    kind: 'sip',
    listen: [{ host, port: 0, transports: ['udp'] }],
    rtpPorts: { min: 45000, max: 45999 },
    allow: [],
    trunks: [],
  },
  sipMedia: media,
});
const wav = toneWav();
const script = await pageScript();
const app = createServer((req, res) => {
  if (req.url === '/tone.wav') return res.writeHead(200, { 'content-type': 'audio/wav' }).end(wav);
  if (req.url === '/page.js') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
  if (req.method === 'POST') {
    req.resume();
    return res
      .writeHead(200, { 'content-type': 'text/xml' })
      .end(`<Response><Play loop="0">${appUrl}/tone.wav</Play></Response>`);
  }
  res
    .writeHead(200, { 'content-type': 'text/html' })
    .end('<!doctype html><script type="module" src="/page.js"></script>');
});
await new Promise((resolve) => app.listen(0, host, resolve));
const appUrl = `http://${host}:${app.address().port}`;

const { sid, authToken } = server.account;
const rest = async (path, form) => {
  const response = await fetch(`${server.url}/2010-04-01/Accounts/${sid}/${path}`, {
    method: 'POST',
    headers: { authorization: `Basic ${btoa(`${sid}:${authToken}`)}` },
    body: new URLSearchParams(form),
  });
  const body = await response.json();
  if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(body)}`);
  return body;
};
const key = await rest('Keys.json', { FriendlyName: 'bench' });
const application = await rest('Applications.json', { FriendlyName: 'bench', VoiceUrl: `${appUrl}/voice` });
const token = new AccessToken(sid, key.sid, key.secret, { identity: 'alice', ttl: 3600 })
  .addGrant(new VoiceGrant({ incomingAllow: true, outgoingApplicationSid: application.sid }))
  .toJwt();

/** A step that does not finish in 60 s fails the benchmark with its name instead of waiting forever. */
const within = (promise, what) => {
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`webrtc-browser: ${what} did not finish within 60 s`)), 60_000);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
};

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    '--allow-loopback-in-peer-connection',
    '--autoplay-policy=no-user-gesture-required',
    // nothing outside loopback is reachable: no update, sync or field-trial fetches
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
});
const results = { incoming: [], outgoing: [], baseline: [] };
try {
  const page = await browser.newPage();
  await page.goto(appUrl);
  await page.waitForFunction(() => typeof globalThis.bench === 'object');
  await within(
    page.evaluate(([t, s]) => globalThis.bench.start(t, s), [token, server.url]),
    'registering the device',
  );
  // one of each first, not counted: the first call pays for the page's codecs and the server's caches
  for (let i = -1; i < calls; i++) {
    const heard = within(
      page.evaluate(() => globalThis.bench.incoming()),
      'an incoming call heard',
    );
    await rest('Calls.json', { To: 'client:alice', From: '+15550100100', Url: `${appUrl}/voice` });
    const incoming = await heard;
    const outgoing = await within(
      page.evaluate(() => globalThis.bench.outgoing()),
      'an outgoing call heard',
    );
    const baseline = await within(
      page.evaluate(() => globalThis.bench.baseline()),
      'the in-page baseline',
    );
    if (i < 0) continue;
    results.incoming.push(incoming);
    results.outgoing.push(outgoing);
    results.baseline.push(baseline);
  }
} finally {
  await browser.close();
  await new Promise((resolve) => app.close(resolve));
  await server.close();
  await rm(data, { recursive: true, force: true });
}

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const base = percentile(results.baseline, 50);
console.log(`\nWebRTC accept -> audio in Chromium (${calls} calls per direction, ${host})`);
console.log('| | p50 ms | p99 ms | p50 vs baseline | goal p50 < 300 ms |');
console.log('|---|---|---|---|---|');
for (const [name, values] of Object.entries(results)) {
  const p50 = percentile(values, 50);
  const goal = name === 'baseline' ? '—' : p50 < GOAL_P50_MS ? 'MET' : 'NOT MET';
  console.log(
    `| ${name} | ${p50.toFixed(0)} | ${percentile(values, 99).toFixed(0)} | ${(p50 / base).toFixed(2)} | ${goal} |`,
  );
}
