import { describe, expect, it } from 'vitest';
import { INSTANT_TIMING } from '../adapters/simulated/leg.js';
import { SimulatedNetwork } from '../adapters/simulated/network.js';
import { VirtualClock } from '../clock/virtual.js';
import { createRuntime } from '../runtime.js';
import { APP_NUMBER, scenario } from '../testing/scenario.js';

const AGENT = '+15550007001';

describe('recordings of bridges and rooms', () => {
  it('records a Dial from answer (dual channel), posts it to the action and the recording callback', async () => {
    await using s = await scenario({
      '/voice': () =>
        `<Response><Dial action="/after" record="record-from-answer-dual" recordingStatusCallback="/rec">${AGENT}</Dial></Response>`,
      '/after': () => '<Response/>',
      '/rec': () => '',
    });
    s.network.addNumber(AGENT, { ringMs: 5000, hangupAfterMs: 12000 });
    const { call } = await s.inbound();
    const after = s.app.requestsTo('/after')[0]?.params;
    expect(after).toMatchObject({
      DialCallDuration: '12',
      RecordingDuration: '12',
      RecordingSid: expect.stringMatching(/^RE/),
    });
    expect(s.runtime.recordings.get(String(after?.RecordingSid))).toMatchObject({
      callSid: call.sid,
      source: 'DialVerb',
      channels: 2,
      duration: 12,
    });
    expect(s.app.requestsTo('/rec')[0]?.params).toMatchObject({
      RecordingStatus: 'completed',
      RecordingSource: 'DialVerb',
      RecordingChannels: '2',
      RecordingSid: after?.RecordingSid,
    });
  });

  it('includes the ringing with record-from-ringing', async () => {
    await using s = await scenario({
      '/voice': () => `<Response><Dial action="/after" record="record-from-ringing">${AGENT}</Dial></Response>`,
      '/after': () => '<Response/>',
    });
    s.network.addNumber(AGENT, { ringMs: 5000, hangupAfterMs: 12000 });
    await s.inbound();
    expect(s.app.requestsTo('/after')[0]?.params).toMatchObject({ DialCallDuration: '12', RecordingDuration: '17' });
  });

  it('reports a conference recording to the room recordingStatusCallback', async () => {
    await using s = await scenario({
      '/voice': () =>
        '<Response><Dial><Conference record="record-from-start" recordingStatusCallback="/rec">board</Conference></Dial></Response>',
      '/rec': () => '',
    });
    // A room starts (and so records) once a second participant is in it.
    const first = s.ringIn('+15550002101', { hangupAfterMs: 25000 });
    const second = s.ringIn('+15550002102', { hangupAfterMs: 5000 });
    await Promise.all([first, second].map((sid) => s.runtime.calls.ended(sid)));
    await s.runtime.callbacks.drain();
    const [room] = s.runtime.conferences.list();
    expect(s.app.requestsTo('/rec')[0]?.params).toMatchObject({
      ConferenceSid: room?.sid,
      RecordingSource: 'Conference',
      RecordingDuration: '25',
      RecordingStatus: 'completed',
    });
  });
});

describe('waiting loops', () => {
  it('plays hold music to a held participant until unheld', async () => {
    await using s = await scenario({
      '/voice': () => '<Response><Dial><Conference>hold-room</Conference></Dial></Response>',
    });
    let sid = '';
    s.runtime.events.once('call.created', (call) => {
      sid = call.sid;
    });
    const caller = s.network.call({ from: '+15550004001', to: APP_NUMBER, hangupAfterMs: 60000 });
    await new Promise<void>((resolve) =>
      s.runtime.events.on('conference.updated', (room) => room.participants.length === 1 && resolve()),
    );
    const room = String(s.runtime.conferences.list()[0]?.sid);
    await s.runtime.conferences.participants.update(room, sid, {
      hold: true,
      holdUrl: 'http://media.example/hold.mp3',
    });
    await new Promise<void>((resolve) => s.clock.setTimer(resolve, 10000));
    await s.runtime.conferences.participants.update(room, sid, { hold: false });
    await s.runtime.calls.ended(sid);
    const plays = caller.lines().filter((line) => line === 'heard-audio http://media.example/hold.mp3');
    // 3-second audio, looped for the 10 s the participant was held.
    expect(plays.length).toBe(4);
    expect(caller.lines()).toEqual(expect.arrayContaining(['held hold-room', 'unheld hold-room']));
  });

  it('never spins: with instant media a queue plays hold music at most once a second', async () => {
    const clock = new VirtualClock(0);
    const network = new SimulatedNetwork({ clock, timing: INSTANT_TIMING });
    const runtime = createRuntime({ media: network, clock, incoming: () => ({ url: 'http://unused.invalid/' }) });
    let sid = '';
    runtime.events.once('call.created', (call) => {
      sid = call.sid;
    });
    const caller = network.call({ from: '+1', to: '+2', hangupAfterMs: 5000 });
    await runtime.calls.update(sid, { twiml: '<Response><Enqueue>q</Enqueue></Response>' });
    await runtime.calls.ended(sid);
    expect(caller.lines().filter((line) => line === 'heard-audio patchbay:hold-music').length).toBeLessThanOrEqual(6);
    await runtime.close();
  });
});
