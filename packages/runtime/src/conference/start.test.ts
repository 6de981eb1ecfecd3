/**
 * When a conference starts: as on the hosted service, only once at least two participants are in
 * the room and one of them joined with startConferenceOnEnter; until then everyone in it hears
 * the wait music.
 */
import { describe, expect, it } from 'vitest';
import { sleep } from '../clock/clock.js';
import { scenario } from '../testing/scenario.js';
import { roomWhen } from './when.test-support.js';

const FIRST = '+15550004001';
const SECOND = '+15550004002';
const MODERATOR = '+15550004009';

const room = (attributes: string) =>
  `<Response><Dial><Conference statusCallback="/conf" statusCallbackEvent="start end join leave" ${attributes}>lobby</Conference></Dial></Response>`;

describe('conference start', () => {
  it('keeps a participant alone on the wait music, and starts when a second one joins', async () => {
    await using s = await scenario({ '/voice': () => room(''), '/conf': () => '' });
    const first = s.ringIn(FIRST, { hangupAfterMs: 60_000 });
    const alone = await roomWhen(s.runtime.events, (r) => r.participants.length === 1);
    expect(alone.status).toBe('init');
    // The first caller waits a while, alone, hearing the music.
    await sleep(s.clock, 20_000);
    expect(s.runtime.conferences.get(alone.sid)?.status).toBe('init');
    const firstLines = s.network.party(FIRST)?.lines() ?? [];
    expect(firstLines).toContain('heard-audio patchbay:hold-music');
    expect(firstLines).not.toContain('joined lobby');

    const started = roomWhen(s.runtime.events, (r) => r.status === 'in-progress');
    const second = s.ringIn(SECOND, { hangupAfterMs: 10_000 });
    expect((await started).participants.map((p) => p.callSid)).toEqual([first, second]);
    await Promise.all([first, second].map((sid) => s.runtime.calls.ended(sid)));
    await s.runtime.callbacks.drain();
    expect(s.network.party(FIRST)?.lines()).toContain('joined lobby');
    const events = s.app.requestsTo('/conf').map((r) => [r.params.StatusCallbackEvent, r.params.SequenceNumber]);
    expect(events.slice(0, 3)).toEqual([
      ['participant-join', '0'],
      ['participant-join', '1'],
      ['conference-start', '2'],
    ]);
  });

  it('waits, however many have joined, for one with startConferenceOnEnter', async () => {
    await using s = await scenario({
      '/voice': (req) => room(req.params.From === MODERATOR ? '' : 'startConferenceOnEnter="false"'),
      '/conf': () => '',
    });
    const first = s.ringIn(FIRST, { hangupAfterMs: 60_000 });
    const second = s.ringIn(SECOND, { hangupAfterMs: 60_000 });
    const waiting = await roomWhen(s.runtime.events, (r) => r.participants.length === 2);
    await sleep(s.clock, 20_000);
    expect(s.runtime.conferences.get(waiting.sid)?.status).toBe('init');
    const started = roomWhen(s.runtime.events, (r) => r.status === 'in-progress');
    const moderator = s.ringIn(MODERATOR, { hangupAfterMs: 5_000 });
    expect((await started).participants).toHaveLength(3);
    await Promise.all([first, second, moderator].map((sid) => s.runtime.calls.ended(sid)));
  });

  it('never starts for a participant alone, even with startConferenceOnEnter, and ends when they leave', async () => {
    await using s = await scenario({ '/voice': () => room('startConferenceOnEnter="true"'), '/conf': () => '' });
    const { call } = await s.inbound({ hangupAfterMs: 15_000 });
    expect(call.status).toBe('completed');
    const [ended] = s.runtime.conferences.list({ friendlyName: 'lobby' });
    expect(ended).toMatchObject({ status: 'completed', reasonEnded: 'last-participant-left' });
    expect(ended?.startedAt).toBeUndefined();
    const events = s.app.requestsTo('/conf').map((r) => r.params.StatusCallbackEvent);
    expect(events).toEqual(['participant-join', 'participant-leave', 'conference-end']);
  });
});
