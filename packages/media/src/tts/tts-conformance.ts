/**
 * The suite every TextToSpeech driver runs (espeak-ng, the cache, any engine added later): it
 * speaks audibly at 8 kHz, longer text gives longer audio, empty text gives no error, an abort
 * rejects with the signal's reason before or during a render, concurrent renders all finish.
 * Test-only (imports vitest): not exported from the package.
 *
 * @example
 * runTextToSpeechConformance('espeak-ng', () => new EspeakTts());
 */
import { describe, expect, it } from 'vitest';
import { rmsDb } from '../audio/goertzel.js';
import type { TextToSpeech } from './types.js';

const US = { voice: 'woman', language: 'en-US' };
const live = () => new AbortController().signal;

export function runTextToSpeechConformance(name: string, create: () => TextToSpeech): void {
  describe(`TextToSpeech conformance: ${name}`, () => {
    it('is ready', async () => {
      expect(await create().check()).toEqual({ ok: true });
    });

    it('speaks audibly, longer for longer text', async () => {
      const tts = create();
      const short = await tts.synthesize('Welcome.', US, live());
      const long = await tts.synthesize('Welcome. Your call is important to us. Please stay on the line.', US, live());
      expect(short).toBeInstanceOf(Int16Array);
      expect(short.length / 8000).toBeGreaterThan(0.2);
      expect(rmsDb(short)).toBeGreaterThan(-35);
      expect(long.length).toBeGreaterThan(short.length * 2);
    });

    it('gives (at most silent) audio for empty text, without an error', async () => {
      const audio = await create().synthesize('', US, live());
      expect(audio).toBeInstanceOf(Int16Array);
      expect(audio.length).toBeLessThan(8000);
    });

    it('rejects with the reason of a signal aborted before or during the render', async () => {
      const tts = create();
      await expect(tts.synthesize('Too late.', US, AbortSignal.abort(new Error('before')))).rejects.toThrow('before');
      const controller = new AbortController();
      const pending = tts.synthesize('Interrupted by a key press.', US, controller.signal);
      controller.abort(new Error('during'));
      await expect(pending).rejects.toThrow('during');
    });

    it('finishes concurrent renders, each with its own audio', async () => {
      const tts = create();
      const texts = ['One.', 'Two, and then some more words.', 'One.'];
      const audio = await Promise.all(texts.map((text) => tts.synthesize(text, US, live())));
      expect(audio[1]?.length).toBeGreaterThan(audio[0]?.length ?? 0);
      expect(audio[2]?.length).toBe(audio[0]?.length);
    });
  });
}
