/**
 * `<Record>` ending on silence, with a real phone: it hears the beep, speaks (a tone) for 1.5 s
 * then goes quiet; the recording ends by the silence timeout, the action gets its duration, and
 * the recording's media through the REST API holds what the phone sent, about as long.
 */
import { describe, expect, it } from 'vitest';
import { hearsTone } from '../testing/audio-analysis.js';
import { parseWav, tonePcm } from '../testing/wav.js';
import { appLine, eventually, phone, useCleanup } from './scenarios.test-support.js';

const cleanup = useCleanup();

describe('<Record> over SIP', () => {
  it('beeps, records what the phone says, ends on 2 s of silence, and serves the recording as WAV', async () => {
    const { app, rest, lineUri } = await appLine(
      cleanup,
      {
        '/voice': () =>
          '<Response><Record timeout="2" playBeep="true" maxLength="20" action="/done" trim="trim-silence"/></Response>',
        '/done': () => '<Response><Hangup/></Response>',
      },
      { rtpPorts: { min: 44800, max: 44998 }, callers: ['127.0.0.50'] },
    );
    const caller = await phone(cleanup, { address: '127.0.0.50' }); // silent until it speaks
    await caller.dial(lineUri);
    await caller.waitFor('established', 10_000);

    // A person speaks after the beep.
    await eventually('the beep', async () => (hearsTone(await caller.heard(), 1000) ? true : undefined));
    await caller.play(tonePcm(700, 1.5), { after: 'silence' });

    const done = await eventually('the Record action', () => app.requestsTo('/done')[0]?.params, 15_000);
    await caller.waitFor('closed', 10_000);
    const duration = Number(done.RecordingDuration);
    expect(duration).toBeGreaterThanOrEqual(1);
    expect(duration).toBeLessThanOrEqual(3);

    const media = await rest.fetch(`Recordings/${String(done.RecordingSid)}.wav`);
    expect(media.headers.get('content-type')).toMatch(/audio\/(x-)?wav/);
    const { sampleRate, pcm } = parseWav(new Uint8Array(await media.arrayBuffer()));
    expect(sampleRate).toBe(8000);
    expect(hearsTone(pcm, 700, { minMs: 1000 })).toBe(true);
    // The tone, give or take what trimming and the jitter buffer leave around it.
    expect(pcm.length / 8000).toBeGreaterThan(1.2);
    expect(pcm.length / 8000).toBeLessThan(2.5);
  });
});
