/**
 * A conference of three SIP phones, each sending its own tone (500, 700, 900 Hz): each hears the
 * other two and never itself; a participant muted through the REST API is no longer heard but
 * still hears; one removed through the API is hung up and no longer heard.
 */
import { describe, expect, it } from 'vitest';
import { hearsTone } from '../testing/audio-analysis.js';
import type { Phone } from '../testing/baresip.js';
import { appLine, eventually, nextHeard, phone, useCleanup } from './scenarios.test-support.js';

const cleanup = useCleanup();
const PARTIES = [
  { address: '127.0.0.43', tone: 500 },
  { address: '127.0.0.44', tone: 700 },
  { address: '127.0.0.45', tone: 900 },
] as const;

/**
 * Which of the three tones each phone hears over the next second, after `settleMs` (what was
 * already in the jitter buffers when something changed).
 */
async function whoHears(phones: readonly Phone[], settleMs = 0): Promise<number[][]> {
  const heard = await Promise.all(
    phones.map(async (p) => (await nextHeard(p, 1000 + settleMs)).subarray(settleMs * 8)),
  );
  return heard.map((pcm) => PARTIES.map((party) => party.tone).filter((tone) => hearsTone(pcm, tone)));
}

describe('<Dial><Conference> with three SIP phones', () => {
  it('each hears the other two; a muted one is not heard but hears; a kicked one is hung up and gone', async () => {
    const { app, rest, lineUri } = await appLine(
      cleanup,
      { '/voice': () => '<Response><Dial><Conference beep="false">standup</Conference></Dial></Response>' },
      { rtpPorts: { min: 44600, max: 44798 }, callers: PARTIES.map((party) => party.address) },
    );
    const phones = await Promise.all(PARTIES.map((party) => phone(cleanup, party)));
    for (const p of phones) {
      await p.dial(lineUri);
      await p.waitFor('established', 10_000);
    }
    const conference = await eventually('the conference with three participants', async () => {
      const { conferences } = (await rest.get('Conferences.json?FriendlyName=standup&Status=in-progress')) as {
        conferences: Array<{ sid: string }>;
      };
      const sid = conferences[0]?.sid;
      if (!sid) return undefined;
      const { participants } = (await rest.get(`Conferences/${sid}/Participants.json`)) as { participants: unknown[] };
      return participants.length === 3 ? sid : undefined;
    });
    const callSidOf = (p: Phone) => {
      const request = app.requestsTo('/voice').find((r) => String(r.params.From).includes(`@${p.address}:`));
      return String(request?.params.CallSid);
    };
    const [low, middle, high] = phones as [Phone, Phone, Phone];

    expect(await whoHears(phones)).toEqual([
      [700, 900],
      [500, 900],
      [500, 700],
    ]);

    await rest.post(`Conferences/${conference}/Participants/${callSidOf(low)}.json`, { Muted: 'true' });
    expect(await whoHears(phones, 300)).toEqual([[700, 900], [900], [700]]);

    expect(await rest.delete(`Conferences/${conference}/Participants/${callSidOf(high)}.json`)).toBe(204);
    await high.waitFor('closed', 10_000);
    expect(await whoHears([low, middle], 300)).toEqual([[700], []]);
  });
});
