import { describe, expect, it } from 'vitest';
import { APP_NUMBER, scenario } from '../testing/scenario.js';

const MEMBER = '+15550003001';
const HOST = '+15550003002';

const routes = {
  '/voice': (req: { params: Record<string, string | string[]> }) =>
    req.params.From === HOST
      ? '<Response><Dial action="/left"><Conference endConferenceOnExit="true" statusCallback="/conf" statusCallbackEvent="start end join leave mute hold">standup</Conference></Dial></Response>'
      : '<Response><Dial action="/left"><Conference startConferenceOnEnter="false" waitUrl="/wait" statusCallback="/conf" statusCallbackEvent="start end join leave mute hold">standup</Conference></Dial></Response>',
  '/wait': () => '<Response><Play>http://media.example/wait.mp3</Play></Response>',
  '/left': (req: { params: Record<string, string | string[]> }) =>
    `<Response><Say>You left with ${req.params.DialCallStatus}</Say></Response>`,
  '/conf': () => '',
};

describe('<Dial><Conference>', () => {
  it('holds early participants on the wait document until the host starts it, and ends when the host leaves', async () => {
    await using s = await scenario(routes);
    const member = s.ringIn(MEMBER, { hangupAfterMs: 120000 });
    // The host calls once the member hears the wait document.
    await new Promise<void>((resolve) =>
      s.runtime.events.on('call.verb', (call, verb) => call.sid === member && verb === 'Play' && resolve()),
    );
    const host = s.ringIn(HOST, { hangupAfterMs: 20000 });
    await Promise.all([s.runtime.calls.ended(member), s.runtime.calls.ended(host)]);
    await s.runtime.callbacks.drain();

    const memberLines = s.network.party(MEMBER)?.lines() ?? [];
    expect(memberLines).toContain('heard-audio http://media.example/wait.mp3');
    expect(memberLines).toContain('joined standup');
    expect(memberLines).toContain('heard-speech "You left with answered" (voice man, en-US)');
    const [conference] = s.runtime.conferences.list({ friendlyName: 'standup' });
    expect(conference).toMatchObject({
      status: 'completed',
      reasonEnded: 'participant-with-end-conference-on-exit-left',
      participants: [],
    });

    const callbacks = s.app.requestsTo('/conf').map((r) => r.params);
    expect(callbacks.map((p) => [p.StatusCallbackEvent, p.CallSid ?? ''])).toEqual([
      ['participant-join', member],
      ['participant-join', host],
      ['conference-start', ''],
      ['participant-leave', host],
      ['participant-leave', member],
      ['conference-end', ''],
    ]);
    expect(callbacks.map((p) => p.SequenceNumber)).toEqual(['0', '1', '2', '3', '4', '5']);
    expect(callbacks[0]).toMatchObject({
      ConferenceSid: conference?.sid,
      FriendlyName: 'standup',
      Muted: 'false',
      Hold: 'false',
      StartConferenceOnEnter: 'false',
      EndConferenceOnExit: 'false',
      Coaching: 'false',
    });
    expect(callbacks[5]).toMatchObject({
      ReasonConferenceEnded: 'participant-with-end-conference-on-exit-left',
      CallSidEndingConference: host,
    });
    const left = s.app.requestsTo('/left').find((r) => r.params.CallSid === member)?.params;
    expect(left).toMatchObject({ DialCallStatus: 'answered' });
  });

  it('ends when the last participant leaves, and records from the start when asked', async () => {
    await using s = await scenario({
      '/voice': () => '<Response><Dial><Conference record="record-from-start">duo</Conference></Dial></Response>',
    });
    const first = s.ringIn('+15550003011', { hangupAfterMs: 30000 });
    const second = s.ringIn('+15550003012', { hangupAfterMs: 10000 });
    await Promise.all([first, second].map((call) => s.runtime.calls.ended(call)));
    const [room] = s.runtime.conferences.list();
    expect(room?.reasonEnded).toBe('last-participant-left');
    const [recording] = s.runtime.recordings.list();
    expect(recording).toMatchObject({ conferenceSid: room?.sid, source: 'Conference', duration: 30 });
  });

  it('turns callers away with a warning when the room is full', async () => {
    await using s = await scenario({
      '/voice': () =>
        '<Response><Dial><Conference maxParticipants="2">small</Conference></Dial><Say>The room is full</Say></Response>',
    });
    const warnings: number[] = [];
    s.runtime.events.on('call.warning', (_call, warning) => warnings.push(warning.code));
    const first = s.ringIn('+15550003101', { hangupAfterMs: 60000 });
    const second = s.ringIn('+15550003102', { hangupAfterMs: 60000 });
    const { caller } = await s.inbound({ from: '+15550003103' });
    expect(warnings).toEqual([16020]);
    expect(caller.lines()).toContain('heard-speech "The room is full" (voice man, en-US)');
    await Promise.all([s.runtime.calls.ended(first), s.runtime.calls.ended(second)]);
  });

  it('lets the program mute, hold, announce, kick, add participants and end the room', async () => {
    await using s = await scenario({
      '/voice': () => '<Response><Dial><Conference>ops</Conference></Dial><Say>Back in the IVR</Say></Response>',
    });
    s.network.addNumber('+15550003200', { ringMs: 1000 });
    const a = s.ringIn('+15550003201');
    const b = s.ringIn('+15550003202');
    await new Promise<void>((resolve) =>
      s.runtime.events.on('conference.updated', (room) => room.participants.length === 2 && resolve()),
    );
    const sid = String(s.runtime.conferences.list()[0]?.sid);
    await s.runtime.conferences.participants.update(sid, a, { muted: true, hold: true });
    expect(s.runtime.conferences.get(sid)?.participants.find((p) => p.callSid === a)).toMatchObject({
      muted: true,
      hold: true,
    });
    await s.runtime.conferences.announce(sid, { text: 'Two minutes left' });
    const added = s.runtime.conferences.participants.add(sid, {
      to: '+15550003200',
      from: APP_NUMBER,
      muted: true,
      label: 'supervisor',
    });
    await new Promise<void>((resolve) =>
      s.runtime.events.on(
        'conference.updated',
        (room) => room.participants.some((p) => p.callSid === added.sid) && resolve(),
      ),
    );
    expect(s.runtime.conferences.get(sid)?.participants.find((p) => p.callSid === added.sid)).toMatchObject({
      muted: true,
      label: 'supervisor',
    });
    s.runtime.conferences.participants.kick(sid, b);
    expect(s.runtime.conferences.end(sid)).toMatchObject({
      status: 'completed',
      reasonEnded: 'conference-ended-via-api',
    });
    await Promise.all([a, b].map((call) => s.runtime.calls.ended(call)));
    expect(s.network.party('+15550003201')?.lines()).toEqual(
      expect.arrayContaining([
        'joined ops',
        'muted ops',
        'held ops',
        'heard-speech "Two minutes left" (voice man, en-US)',
        'left ops',
        'heard-speech "Back in the IVR" (voice man, en-US)',
      ]),
    );
    expect(() => s.runtime.conferences.end(sid)).toThrowError(expect.objectContaining({ numericCode: 21220 }));
  });
});
