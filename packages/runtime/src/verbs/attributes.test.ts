import { describe, expect, it } from 'vitest';
import type { InputOptions } from '../media/types.js';
import { scenario } from '../testing/scenario.js';

describe('verb attributes', () => {
  it('repeats Say and Play loop times; loop="0" repeats until the caller hangs up', async () => {
    await using s = await scenario({
      '/voice': () =>
        '<Response><Say loop="3">Hello</Say><Play loop="2">http://m.example/a.mp3</Play><Play digits="1w2"/><Say loop="0">Again</Say></Response>',
    });
    const { caller } = await s.inbound({ hangupAfterMs: 30000 });
    const lines = caller.lines();
    expect(lines.filter((l) => l === 'heard-speech "Hello" (voice man, en-US)')).toHaveLength(3);
    expect(lines.filter((l) => l === 'heard-audio http://m.example/a.mp3')).toHaveLength(2);
    expect(lines).toContain('heard-digits 1w2');
    // 30 s minus 3 x 300 ms, 2 x 3 s and the digits, in 300 ms repetitions of "Again".
    expect(lines.filter((l) => l === 'heard-speech "Again" (voice man, en-US)').length).toBeGreaterThan(70);
    expect(lines.at(-1)).toBe('hung-up');
  });

  it('speaks with the voice and language asked for', async () => {
    await using s = await scenario({
      '/voice': () => '<Response><Say voice="Polly.Celine" language="fr-FR">Bonjour</Say></Response>',
    });
    expect((await s.inbound()).caller.lines()).toContain('heard-speech "Bonjour" (voice Polly.Celine, fr-FR)');
  });

  it('sends partial speech results to partialResultCallback and passes recognizer hints to the adapter', async () => {
    await using s = await scenario({
      '/voice': (req) =>
        req.params.SpeechResult
          ? '<Response/>'
          : '<Response><Gather input="speech" partialResultCallback="/partial" speechModel="phone_call" enhanced="true" profanityFilter="false" hints="billing, sales" language="en-GB"/></Response>',
      '/partial': () => '',
    });
    const seen: InputOptions[] = [];
    s.network.events.on('incoming', (leg) => {
      const listen = leg.listen.bind(leg);
      leg.listen = (options) => {
        seen.push(options);
        return listen(options);
      };
    });
    await s.inbound({ inputs: [{ speech: 'I have a billing question' }] });
    expect(seen[0]?.speech).toMatchObject({
      language: 'en-GB',
      hints: 'billing, sales',
      model: 'phone_call',
      enhanced: true,
      profanityFilter: false,
      partialResults: true,
    });
    const partials = s.app.requestsTo('/partial').map((r) => r.params);
    expect(partials.map((p) => [p.SequenceNumber, p.StableSpeechResult, p.UnstableSpeechResult])).toEqual([
      ['0', '', 'I'],
      ['1', 'I', 'have'],
      ['2', 'I have', 'a'],
      ['3', 'I have a', 'billing'],
      ['4', 'I have a billing', 'question'],
    ]);
    expect(s.app.requestsTo('/voice')[1]?.params.SpeechResult).toBe('I have a billing question');
  });
});
