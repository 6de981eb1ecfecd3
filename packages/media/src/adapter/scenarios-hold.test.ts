/**
 * Hold and resume in a bridged call: the caller's phone holds (a re-INVITE with a=sendonly) and
 * later resumes (a=sendrecv). While held the other party hears nothing from the holder, as a
 * person on hold expects; after resume they hear each other again. baresip stops its own
 * recording for good after hold/resume, so what is heard is judged on the party that did not hold.
 */
import { describe, expect, it } from 'vitest';
import { hearsTone } from '../testing/audio-analysis.js';
import { appLine, nextHeard, phone, useCleanup } from './scenarios.test-support.js';

const cleanup = useCleanup();

describe('hold and resume in a <Dial> bridge', () => {
  it('the held party hears nothing from the holder while held, and the holder again after resume', async () => {
    let callee = 'sip:nobody@127.0.0.1';
    const { lineUri } = await appLine(
      cleanup,
      { '/voice': () => `<Response><Dial><Sip>${callee}</Sip></Dial></Response>` },
      { rtpPorts: { min: 44400, max: 44598 }, callers: ['127.0.0.46'] },
    );
    const holder = await phone(cleanup, { address: '127.0.0.46', tone: 600 });
    const held = await phone(cleanup, { address: '127.0.0.47', tone: 900 });
    callee = held.uri;
    await holder.dial(lineUri);
    await held.waitFor('incoming', 10_000);
    await held.accept();
    await held.waitFor('established');
    expect(hearsTone(await nextHeard(held, 800), 600)).toBe(true);
    expect(hearsTone(await nextHeard(holder, 800), 900)).toBe(true);

    await holder.hold();
    // What was already on its way (jitter buffers) is let through: judged from 300 ms on.
    const whileHeld = (await nextHeard(held, 1300)).subarray(300 * 8);
    expect(hearsTone(whileHeld, 600)).toBe(false);

    await holder.resume();
    // The re-INVITE and its answer take a moment; then the holder is heard again.
    const afterResume = await nextHeard(held, 1500);
    expect(hearsTone(afterResume, 600)).toBe(true);

    await holder.hangup();
    await held.waitFor('closed', 10_000);
  });
});
