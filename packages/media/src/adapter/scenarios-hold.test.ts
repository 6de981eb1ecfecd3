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
  // The caller's leg is a dialog the server answered; the dialed one, a dialog it placed.
  it.each(['caller', 'dialed party'] as const)(
    'the %s holds: the other hears nothing from it while held, and hears it again after resume',
    async (who) => {
      let dialed = 'sip:nobody@127.0.0.1';
      const { lineUri } = await appLine(
        cleanup,
        { '/voice': () => `<Response><Dial><Sip>${dialed}</Sip></Dial></Response>` },
        { rtpPorts: { min: 44400, max: 44598 }, callers: ['127.0.0.46'] },
      );
      const caller = await phone(cleanup, { address: '127.0.0.46', tone: 600 });
      const callee = await phone(cleanup, { address: '127.0.0.47', tone: 900 });
      dialed = callee.uri;
      await caller.dial(lineUri);
      await callee.waitFor('incoming', 10_000);
      await callee.accept();
      await callee.waitFor('established');
      const [holder, held, holderTone] = who === 'caller' ? [caller, callee, 600] : [callee, caller, 900];
      expect(hearsTone(await nextHeard(held, 800), holderTone)).toBe(true);

      await holder.hold();
      // What was already on its way (jitter buffers) is let through: judged from 300 ms on.
      const whileHeld = (await nextHeard(held, 1300)).subarray(300 * 8);
      expect(hearsTone(whileHeld, holderTone)).toBe(false);

      await holder.resume();
      // The re-INVITE and its answer take a moment; then the holder is heard again.
      expect(hearsTone(await nextHeard(held, 1500), holderTone)).toBe(true);

      await holder.hangup();
      await held.waitFor('closed', 10_000);
    },
  );
});
