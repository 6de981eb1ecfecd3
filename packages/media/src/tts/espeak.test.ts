import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rmsDb } from '../audio/goertzel.js';
import { TtsError } from './errors.js';
import { EspeakTts } from './espeak.js';
import { runTextToSpeechConformance } from './tts-conformance.js';

const tts = new EspeakTts();
const US = { voice: 'man', language: 'en-US' };
const live = () => new AbortController().signal;
const seconds = (audio: Int16Array) => audio.length / 8000;

/** The longest stretch of 50 ms windows quieter than −50 dBFS, in seconds. */
function longestSilence(audio: Int16Array): number {
  let run = 0;
  let longest = 0;
  for (let at = 0; at + 400 <= audio.length; at += 400) {
    run = rmsDb(audio.subarray(at, at + 400)) < -50 ? run + 1 : 0;
    longest = Math.max(longest, run);
  }
  return longest * 0.05;
}

const dir = mkdtempSync(join(tmpdir(), 'patchbay-tts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A stand-in engine: a shell script with the given body. */
function fakeEngine(name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

runTextToSpeechConformance('espeak-ng', () => new EspeakTts());

describe('EspeakTts with espeak-ng', () => {
  it('is available here', async () => {
    expect(await tts.check()).toEqual({ ok: true });
  });

  it('speaks: audible 8 kHz audio, longer for longer text', async () => {
    const short = await tts.synthesize('Hello.', US, live());
    const long = await tts.synthesize(
      'Hello. Thank you for calling. Please listen carefully to the options.',
      US,
      live(),
    );
    expect(rmsDb(short)).toBeGreaterThan(-35);
    expect(rmsDb(long)).toBeGreaterThan(-35);
    expect(seconds(short)).toBeGreaterThan(0.3);
    expect(seconds(long)).toBeGreaterThan(seconds(short) + 2);
  });

  it('pauses for a break: one second more audio, and silent there', async () => {
    const plain = await tts.synthesize('One two', US, live());
    const paused = await tts.synthesize('One <break time="1s"/> two', US, live());
    expect(seconds(paused) - seconds(plain)).toBeGreaterThan(0.8);
    expect(seconds(paused) - seconds(plain)).toBeLessThan(1.3);
    expect(longestSilence(paused)).toBeGreaterThan(0.9);
    expect(longestSilence(plain)).toBeLessThan(0.5);
  });

  it('reads say-as digits digit by digit, longer than the number read whole', async () => {
    const whole = await tts.synthesize('Your code is 1000', US, live());
    const digits = await tts.synthesize('Your code is <say-as interpret-as="digits">1000</say-as>', US, live());
    expect(seconds(digits)).toBeGreaterThan(seconds(whole) + 0.3);
  });

  it('speaks other languages and voices', async () => {
    const french = await tts.synthesize('Bonjour et bienvenue', { voice: 'Polly.Celine', language: 'fr-FR' }, live());
    expect(rmsDb(french)).toBeGreaterThan(-35);
  });

  it('refuses text longer than maxTextLength', async () => {
    const error = await failure(new EspeakTts({ maxTextLength: 10 }).synthesize('x'.repeat(11), US, live()));
    expect(error).toBeInstanceOf(TtsError);
    expect((error as TtsError).code).toBe('tts-text-too-long');
  });
});

describe('EspeakTts failures', () => {
  it('reports a missing binary from check() and synthesize', async () => {
    const missing = new EspeakTts({ command: '/nonexistent' });
    const check = await missing.check();
    expect(check.ok).toBe(false);
    const error = await failure(missing.synthesize('Hello', US, live()));
    expect((error as TtsError).code).toBe('tts-unavailable');
  });

  it('kills the process when the caller aborts, rejecting with the reason', async () => {
    const pidFile = join(dir, 'pid');
    const command = fakeEngine('sleepy', `echo $$ > ${pidFile}\nexec sleep 30`);
    const controller = new AbortController();
    const pending = new EspeakTts({ command }).synthesize('Hello', US, controller.signal);
    while (!readFileSync(pidFile, { flag: 'a+' }).toString().trim()) await new Promise((r) => setTimeout(r, 5));
    const pid = Number(readFileSync(pidFile, 'utf8'));
    controller.abort(new Error('barge-in'));
    await expect(pending).rejects.toThrow('barge-in');
    expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
  });

  it('kills the process when the abort comes right after the call, before the spawn', async () => {
    const command = fakeEngine('sleepy-too', 'exec sleep 30');
    const controller = new AbortController();
    const pending = new EspeakTts({ command }).synthesize('Hello', US, controller.signal);
    controller.abort(new Error('at once'));
    const started = performance.now();
    await expect(pending).rejects.toThrow('at once');
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('kills a process that runs past timeoutMs', async () => {
    const command = fakeEngine('stuck', 'exec sleep 30');
    const error = await failure(new EspeakTts({ command, timeoutMs: 200 }).synthesize('Hello', US, live()));
    expect((error as TtsError).code).toBe('tts-timeout');
  });

  it('runs at most maxProcesses engines at once', async () => {
    const log = join(dir, 'log');
    const command = fakeEngine('logged', `echo start >> ${log}\nsleep 0.2\necho end >> ${log}\nexit 1`);
    const engine = new EspeakTts({ command, maxProcesses: 1 });
    const results = await Promise.allSettled([1, 2, 3].map(() => engine.synthesize('Hi', US, live())));
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual(['start', 'end', 'start', 'end', 'start', 'end']);
  });

  it('reports an engine that fails or writes something other than WAV', async () => {
    const crashing = fakeEngine('crash', 'echo "voice missing" >&2\nexit 3');
    const crashed = await failure(new EspeakTts({ command: crashing }).synthesize('Hello', US, live()));
    expect((crashed as TtsError).code).toBe('tts-failed');
    expect((crashed as TtsError).message).toContain('voice missing');
    const garbage = fakeEngine('garbage', 'cat > /dev/null\necho not audio');
    const garbled = await failure(new EspeakTts({ command: garbage }).synthesize('Hello', US, live()));
    expect((garbled as TtsError).code).toBe('tts-failed');
    const flood = fakeEngine('flood', 'cat > /dev/null\nexec head -c 1000000 /dev/zero');
    const flooded = await failure(new EspeakTts({ command: flood, maxOutputBytes: 1000 }).synthesize('Hi', US, live()));
    expect((flooded as TtsError).code).toBe('tts-failed');
  });
});
