import { describe, expect, it } from 'vitest';
import { CachedTts } from './cached.js';
import { TtsError } from './errors.js';
import { EspeakTts } from './espeak.js';
import { runTextToSpeechConformance } from './tts-conformance.js';
import type { SayVoice, TextToSpeech } from './types.js';

/** An engine that renders `text.length` samples of its first char code, counting renders. */
class CountingTts implements TextToSpeech {
  readonly name = 'counting';
  renders = 0;
  gate: Promise<void> = Promise.resolve();
  fail = false;
  lastSignal: AbortSignal | undefined;

  async check() {
    return { ok: true } as const;
  }

  async synthesize(text: string, _voice: SayVoice, signal: AbortSignal): Promise<Int16Array> {
    this.renders++;
    this.lastSignal = signal;
    await this.gate;
    if (this.fail) throw new TtsError('tts-failed', 'broken');
    return new Int16Array(text.length).fill(text.charCodeAt(0));
  }
}

const US = { voice: 'man', language: 'en-US' };
const live = () => new AbortController().signal;

runTextToSpeechConformance('cached espeak-ng', () => new CachedTts(new EspeakTts()));

describe('CachedTts', () => {
  it('renders each (text, voice, language) once and replays it', async () => {
    const engine = new CountingTts();
    const tts = new CachedTts(engine);
    const first = await tts.synthesize('Hello', US, live());
    expect(await tts.synthesize('Hello', US, live())).toBe(first);
    await tts.synthesize('Hello', { voice: 'woman', language: 'en-US' }, live());
    await tts.synthesize('Hello', { voice: 'man', language: 'en-GB' }, live());
    expect(engine.renders).toBe(3);
    expect(tts.name).toBe('cached counting');
  });

  it('shares one rendering among concurrent identical requests', async () => {
    const engine = new CountingTts();
    let open!: () => void;
    engine.gate = new Promise((resolve) => {
      open = resolve;
    });
    const tts = new CachedTts(engine);
    const pending = [tts.synthesize('Hi', US, live()), tts.synthesize('Hi', US, live())];
    open();
    const [a, b] = await Promise.all(pending);
    expect(a).toBe(b);
    expect(engine.renders).toBe(1);
  });

  it('stops the rendering when its only caller aborts', async () => {
    const engine = new CountingTts();
    engine.gate = new Promise(() => undefined);
    const controller = new AbortController();
    const pending = new CachedTts(engine).synthesize('Hi', US, controller.signal);
    await Promise.resolve();
    controller.abort(new Error('hung up'));
    await expect(pending).rejects.toThrow('hung up');
    expect(engine.lastSignal?.aborted).toBe(true);
  });

  it('keeps within its byte budget and does not cache failures', async () => {
    const engine = new CountingTts();
    const tts = new CachedTts(engine, { maxBytes: 20 });
    await tts.synthesize('aaaaaaaa', US, live()); // 16 bytes
    await tts.synthesize('bbbbbbbb', US, live()); // evicts the first
    expect(tts.cachedBytes).toBe(16);
    await tts.synthesize('aaaaaaaa', US, live());
    expect(engine.renders).toBe(3);
    engine.fail = true;
    await expect(tts.synthesize('cc', US, live())).rejects.toBeInstanceOf(TtsError);
    engine.fail = false;
    await tts.synthesize('cc', US, live());
    expect(engine.renders).toBe(5);
  });
});
