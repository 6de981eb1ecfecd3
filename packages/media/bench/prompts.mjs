// Prompt costs, each beside a named baseline measured in the same run: Say through EspeakTts
// (espeak-ng + WAV decode + resampling) against the bare espeak-ng process; the CachedTts hit
// path against a Map lookup; MP3 to 8 kHz against mpg123's decode alone; the resampler against
// real time; an AudioFetcher cache hit against a loopback download of the same file.
//   node packages/media/bench/prompts.mjs      (runs from dist: `pnpm build` first; needs espeak-ng)
//
// Environment: BENCH_PROMPTS_RUNS (timed runs per figure, the median reported; default 9),
// BENCH_PROMPTS_HITS (cache hits per CachedTts run, default 100000; AudioFetcher runs a tenth).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = await import('../dist/index.js');
const RUNS = Number(process.env.BENCH_PROMPTS_RUNS ?? '9');
const HITS = Number(process.env.BENCH_PROMPTS_HITS ?? '100000');

const SIX_SECONDS =
  'Thank you for calling Patchbay. For sales, press one. For support, press two. ' +
  'To hear these options again, press nine.';
const US = { voice: 'woman', language: 'en-US' };
const live = () => new AbortController().signal;

async function time(runs, fn) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn(i);
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

function bareEspeak(text) {
  return new Promise((resolve, reject) => {
    const child = spawn('espeak-ng', ['--stdout', '-v', 'en-us+f3', '-s', '165', text]);
    const chunks = [];
    child.stdout.on('data', (chunk) => chunks.push(chunk));
    child.on('error', reject);
    child.on('close', () => resolve(Buffer.concat(chunks)));
  });
}

const rows = [];
function report(name, value, unit, baselineName, baseline) {
  rows.push({
    name,
    value: `${value.toFixed(3)} ${unit}`,
    baseline: `${baselineName}: ${baseline.toFixed(3)} ${unit}`,
    ratio: (value / baseline).toFixed(2),
  });
}

// 1. Say: ~6 s of speech.
const espeak = new dist.EspeakTts();
const spoken = await espeak.synthesize(SIX_SECONDS, US, live());
const sayMs = await time(RUNS, () => espeak.synthesize(SIX_SECONDS, US, live()));
const bareMs = await time(RUNS, () => bareEspeak(SIX_SECONDS));
report(`EspeakTts, ${(spoken.length / 8000).toFixed(1)} s of speech`, sayMs, 'ms', 'bare espeak-ng process', bareMs);

// 2. The CachedTts hit path.
const cached = new dist.CachedTts(espeak);
await cached.synthesize(SIX_SECONDS, US, live());
const map = new Map([[JSON.stringify([SIX_SECONDS, US.voice, US.language]), spoken]]);
const hitMs = await time(RUNS, async () => {
  for (let i = 0; i < HITS; i++) await cached.synthesize(SIX_SECONDS, US, live());
});
const mapMs = await time(RUNS, async () => {
  for (let i = 0; i < HITS; i++) await map.get(JSON.stringify([SIX_SECONDS, US.voice, US.language]));
});
report('CachedTts hit', (hitMs * 1000) / HITS, 'µs', 'Map.get with the same key', (mapMs * 1000) / HITS);

// 3. MP3: the 2 s fixture, three times over (6 s of 44.1 kHz audio).
const mp3 = new Uint8Array(readFileSync(join(root, 'src/audio/__fixtures__/tone440.mp3')));
const { MPEGDecoder } = await import('mpg123-decoder');
await dist.decodeToPhone(mp3);
const mp3Ms = await time(RUNS, async () => {
  for (let i = 0; i < 3; i++) await dist.decodeToPhone(mp3);
});
const rawMs = await time(RUNS, async () => {
  for (let i = 0; i < 3; i++) {
    const decoder = new MPEGDecoder();
    await decoder.ready;
    decoder.decode(mp3);
    decoder.free();
  }
});
report('MP3 → 8 kHz mono Int16, 6 s', mp3Ms, 'ms', 'mpg123-decoder decode alone', rawMs);

// 4. The resampler: 6 s at 44.1 kHz to 8 kHz, against real time.
const wide = Float32Array.from({ length: 44100 * 6 }, (_, i) => Math.sin((2 * Math.PI * 440 * i) / 44100));
const resampleMs = await time(RUNS, () => dist.resample(wide, 44100, 8000));
report('resample 6 s 44.1 kHz → 8 kHz', resampleMs, 'ms', 'real time (6 s)', 6000);

// 5. Play: a cache hit against a loopback download of the same 6 s WAV.
const wav = dist.encodeWav([dist.toInt16(dist.resample(wide, 44100, 16000))], 16000);
const server = createServer((_req, res) =>
  res.writeHead(200, { 'content-type': 'audio/wav', 'cache-control': 'max-age=3600' }).end(wav),
);
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${server.address().port}/prompt.wav`;
const missMs = await time(RUNS, () => new dist.AudioFetcher().fetch(url, live()));
const fetcher = new dist.AudioFetcher();
await fetcher.fetch(url, live());
const FETCH_HITS = Math.max(1, Math.round(HITS / 10));
const fetchHitMs = await time(RUNS, async () => {
  for (let i = 0; i < FETCH_HITS; i++) await fetcher.fetch(url, live());
});
report('AudioFetcher cache hit', (fetchHitMs * 1000) / FETCH_HITS, 'µs', 'download + decode of 6 s WAV', missMs * 1000);
server.close();

console.log('Prompts (median of %d runs each):', RUNS);
console.table(rows);
