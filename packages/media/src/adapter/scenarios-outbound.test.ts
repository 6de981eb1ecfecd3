/**
 * An outbound call placed through the REST API to a SIP phone: it rings, is answered, hears the
 * app's speech and then the played file, and the call's callbacks and record say what happened.
 */
import { startAppServer } from '@patchbay/runtime/testing';
import { describe, expect, it } from 'vitest';
import { hearsTone, speechEnergy } from '../testing/audio-analysis.js';
import { tonePcm } from '../testing/wav.js';
import { eventually, phone, serveWav, sipServer, useCleanup } from './scenarios.test-support.js';

const cleanup = useCleanup();

describe('an outbound REST call to a SIP phone', () => {
  it('rings the phone, which hears the Say then the Play; callbacks come in order; the call completes with a duration', async () => {
    const media = await serveWav(cleanup, tonePcm(1400, 1.5));
    const app = await startAppServer({
      '/call': () => `<Response><Say>Hello from Patchbay.</Say><Play>${media}/tone.wav</Play></Response>`,
      '/status': () => '',
    });
    cleanup(() => app.close());
    const { rest } = await sipServer(cleanup, { rtpPorts: { min: 44000, max: 44198 } });
    const callee = await phone(cleanup, { address: '127.0.0.40' });

    const call = await rest.post('Calls.json', {
      To: callee.uri,
      From: '+15550100100',
      Url: `${app.url}/call`,
      StatusCallback: `${app.url}/status`,
      StatusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
    });
    await callee.waitFor('incoming', 10_000);
    await callee.accept();
    await callee.waitFor('established');
    await callee.waitFor('closed', 15_000);

    const heard = await callee.heard();
    const speechEnds = firstToneAt(heard, 1400);
    expect(speechEnds).toBeGreaterThan(0);
    // Speech first, then the file's tone (and no tone while the speech played).
    expect(speechEnergy(heard.subarray(0, speechEnds)).activeMs).toBeGreaterThan(500);
    expect(hearsTone(heard.subarray(speechEnds, speechEnds + 8000), 1400)).toBe(true);

    const statuses = await eventually('the completed callback', () => {
      const seen = app.requestsTo('/status').map((request) => request.params.CallStatus);
      return seen.includes('completed') ? seen : undefined;
    });
    expect(statuses).toEqual(['initiated', 'ringing', 'in-progress', 'completed']);
    const record = await rest.get(`Calls/${String(call.sid)}.json`);
    expect(record).toMatchObject({ status: 'completed', direction: 'outbound-api', to: callee.uri });
    expect(Number(record.duration)).toBeGreaterThanOrEqual(2);
  });
});

/** The sample where `frequency` is first heard (by 100 ms windows), or -1. */
function firstToneAt(pcm: Int16Array, frequency: number): number {
  for (let at = 0; at + 800 <= pcm.length; at += 800) {
    if (hearsTone(pcm.subarray(at, at + 800), frequency, { minMs: 80 })) return at;
  }
  return -1;
}
