/**
 * A cache in front of any TextToSpeech: IVR prompts repeat, so each (text, voice, language) is
 * rendered once and replayed from a byte-bounded LRU; concurrent identical requests share one
 * rendering (a caller that aborts stops waiting; the rendering stops when all have left).
 * Failures are not cached.
 *
 * @example
 * const tts = new CachedTts(new EspeakTts(), { maxBytes: 32 * 1024 * 1024 });
 */
import { ByteLru } from '../audio/lru.js';
import { SingleFlight } from '../audio/single-flight.js';
import type { SayVoice, TextToSpeech, TtsCheck } from './types.js';

export interface CachedTtsOptions {
  /** Rendered audio kept, in bytes. @default 32 MiB (about 35 minutes of speech) */
  readonly maxBytes?: number;
}

export class CachedTts implements TextToSpeech {
  readonly name: string;
  private readonly cache: ByteLru<string, Int16Array>;
  private readonly flights = new SingleFlight<string, Int16Array>();

  constructor(
    private readonly engine: TextToSpeech,
    options: CachedTtsOptions = {},
  ) {
    this.name = `cached ${engine.name}`;
    this.cache = new ByteLru(options.maxBytes ?? 32 * 1024 * 1024);
  }

  check(): Promise<TtsCheck> {
    return this.engine.check();
  }

  async synthesize(text: string, voice: SayVoice, signal: AbortSignal): Promise<Int16Array> {
    if (signal.aborted) throw signal.reason;
    const key = JSON.stringify([text, voice.voice, voice.language]);
    const cached = this.cache.get(key);
    if (cached) return cached;
    return this.flights.run(key, signal, async (shared) => {
      const audio = await this.engine.synthesize(text, voice, shared);
      this.cache.set(key, audio, audio.byteLength);
      return audio;
    });
  }

  /** Bytes of rendered audio held now. */
  get cachedBytes(): number {
    return this.cache.bytes;
  }
}
