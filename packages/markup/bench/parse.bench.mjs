// Parse+validate throughput of @patchbay/markup against bare fast-xml-parser on the same mixed
// corpus, measured in interleaved rounds of the same run. Run after `pnpm build`:
//   pnpm --filter @patchbay/markup bench
import { XMLParser } from 'fast-xml-parser';
import twilio from 'twilio';
import { parseVoice } from '../dist/index.js';

const GOAL = 0.5;
const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 400);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8);

function smallIvr(i) {
  const r = new twilio.twiml.VoiceResponse();
  const g = r.gather({ numDigits: 1, action: `/menu/${i}`, timeout: 5 + (i % 5) });
  g.say({ voice: 'Polly.Joanna' }, `Menu ${i}. For sales press 1, for support press 2, to repeat press 9.`);
  if (i % 2) g.play('https://cdn.example.com/beep.mp3');
  r.say('We did not receive any input.');
  r.redirect({ method: 'POST' }, `/start?attempt=${i}`);
  return r.toString();
}

function largeDialGather(i) {
  const r = new twilio.twiml.VoiceResponse();
  for (let k = 0; r.toString().length < 8000; k++) {
    const d = r.dial({
      timeout: 20,
      callerId: '+15550001111',
      action: `/dial/${i}/${k}`,
      record: 'record-from-answer',
    });
    d.number(
      { sendDigits: 'ww12#', statusCallbackEvent: ['initiated', 'answered'], statusCallback: '/s' },
      `+1555${String(k).padStart(7, '0')}`,
    );
    d.client({ statusCallback: '/c' }).identity({}, `agent-${k}`);
    const g = r.gather({ input: ['dtmf', 'speech'], hints: 'yes, no', numDigits: 4, speechTimeout: 'auto' });
    g.say({ language: 'en-GB', loop: 2 }, `Please enter the four digit code for step ${k} &amp; confirm.`);
    g.pause({ length: 1 });
  }
  return r.toString();
}

const small = Array.from({ length: 16 }, (_, i) => smallIvr(i));
const large = Array.from({ length: 4 }, (_, i) => largeDialGather(i));
const corpus = [...small, ...large];
const bytes = corpus.reduce((n, d) => n + d.length, 0);

const bare = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: false,
});

for (const doc of corpus) {
  const result = parseVoice(doc);
  if (!result.ok) throw new Error(`corpus document rejected: ${JSON.stringify(result.errors[0])}`);
}

function run(docs, fn) {
  let count = 0;
  const start = performance.now();
  while (performance.now() - start < ROUND_MS) {
    for (const doc of docs) fn(doc);
    count += docs.length;
  }
  return { docs: count, ms: performance.now() - start };
}

/** Interleaved rounds of ours and the baseline on the same documents. */
function compare(docs) {
  const ours = { docs: 0, ms: 0 };
  const baseline = { docs: 0, ms: 0 };
  run(docs, (d) => parseVoice(d));
  run(docs, (d) => bare.parse(d));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [total, fn] of [
      [ours, (d) => parseVoice(d)],
      [baseline, (d) => bare.parse(d)],
    ]) {
      const r = run(docs, fn);
      total.docs += r.docs;
      total.ms += r.ms;
    }
  }
  return { ours: rate(ours), baseline: rate(baseline) };
}

const rate = (t) => (t.docs / t.ms) * 1000;
const fmt = (n) => Math.round(n).toLocaleString('en-US');
const mixed = compare(corpus);
const ratio = mixed.ours / mixed.baseline;
const ours = { docs: mixed.ours, ms: 1000 };
const baseline = { docs: mixed.baseline, ms: 1000 };
console.log(
  `corpus: ${small.length} small IVR documents (~${Math.round(small[0].length)} B) + ${large.length} large Dial/Gather documents (~${Math.round(large[0].length / 1024)} KiB), ${fmt(bytes)} B per pass`,
);
console.log(`@patchbay/markup parseVoice (parse + validate + typed tree): ${fmt(rate(ours))} documents/s`);
console.log(`baseline fast-xml-parser XMLParser.parse (same options, no checks): ${fmt(rate(baseline))} documents/s`);
console.log(`ratio: ${ratio.toFixed(2)} of baseline (goal >= ${GOAL}) ${ratio >= GOAL ? 'MET' : 'NOT MET'}`);
for (const [name, docs] of [
  ['small documents only', small],
  ['large documents only', large],
]) {
  const r = compare(docs);
  console.log(`  ${name}: ${fmt(r.ours)} vs ${fmt(r.baseline)} documents/s, ratio ${(r.ours / r.baseline).toFixed(2)}`);
}
