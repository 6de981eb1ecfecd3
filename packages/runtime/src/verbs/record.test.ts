import { describe, expect, it } from 'vitest';
import { wavDurationMs } from '../media/wav.js';
import { scenario } from '../testing/scenario.js';

const RECORD =
  '<Response><Say>Leave a message</Say><Record action="/saved" recordingStatusCallback="/rec-status" recordingStatusCallbackEvent="in-progress completed absent"/><Say>Not reached</Say></Response>';

describe('<Record>', () => {
  it('records after a beep until a finish key, stores the audio, and posts it to the action', async () => {
    await using s = await scenario({
      '/voice': () => RECORD,
      '/saved': () => '<Response><Say>Thanks</Say></Response>',
      '/rec-status': () => '',
    });
    const { call, caller } = await s.inbound({ inputs: [{ digits: '#', afterMs: 4000 }] });
    expect(caller.lines().slice(0, 5)).toEqual([
      'answered',
      'heard-speech "Leave a message" (voice man, en-US)',
      'heard-beep',
      'pressed #',
      'recorded 4 s',
    ]);
    const saved = s.app.requestsTo('/saved')[0]?.params;
    expect(saved).toMatchObject({
      RecordingDuration: '4',
      Digits: '#',
      RecordingSid: expect.stringMatching(/^RE[0-9a-f]{32}$/),
    });
    const recording = s.runtime.recordings.get(String(saved?.RecordingSid));
    expect(recording).toMatchObject({ callSid: call.sid, duration: 4, source: 'RecordVerb', url: saved?.RecordingUrl });
    expect(recording?.url).toBe(
      `http://localhost:3000/2010-04-01/Accounts/${s.runtime.accountSid}/Recordings/${recording?.sid}`,
    );
    expect(wavDurationMs(recording?.audio ?? new Uint8Array())).toBe(4000);
    const statuses = s.app.requestsTo('/rec-status').map((r) => r.params);
    expect(statuses.map((p) => p.RecordingStatus)).toEqual(['in-progress', 'completed']);
    expect(statuses[1]).toMatchObject({
      CallSid: call.sid,
      RecordingSid: recording?.sid,
      RecordingDuration: '4',
      RecordingSource: 'RecordVerb',
      RecordingChannels: '1',
    });
    expect(caller.lines()).toContain('heard-speech "Thanks" (voice man, en-US)');
    expect(caller.lines()).not.toContain('heard-speech "Not reached" (voice man, en-US)');
  });

  it('ends after the silence timeout (trimmed) or at maxLength, without Digits', async () => {
    await using s = await scenario({
      '/voice': (req) =>
        req.params.From === '+1'
          ? '<Response><Record timeout="3" action="/saved"/></Response>'
          : '<Response><Record maxLength="2" playBeep="false" action="/saved"/></Response>',
      '/saved': () => '<Response/>',
    });
    await s.inbound({ from: '+1', speaksForMs: 5000 });
    await s.inbound({ from: '+2', speaksForMs: 5000 });
    const [silence, capped] = s.app.requestsTo('/saved').map((r) => r.params);
    expect(silence?.RecordingDuration).toBe('5');
    expect(silence).not.toHaveProperty('Digits');
    expect(capped?.RecordingDuration).toBe('2');
  });

  it('keeps the recording and still requests the action when the caller hangs up', async () => {
    await using s = await scenario({
      '/voice': () => RECORD,
      '/saved': () => '<Response><Say>Ignored</Say></Response>',
      '/rec-status': () => '',
    });
    const { call, caller } = await s.inbound({ inputs: [{ hangup: true, afterMs: 6000 }] });
    expect(call.status).toBe('completed');
    expect(s.app.requestsTo('/saved')[0]?.params).toMatchObject({
      Digits: 'hangup',
      RecordingDuration: '6',
      CallStatus: 'completed',
    });
    expect(caller.lines()).not.toContain('heard-speech "Ignored" (voice man, en-US)');
    expect(s.runtime.recordings.list({ callSid: call.sid })).toHaveLength(1);
  });

  it('goes on to the next verb when nothing was recorded', async () => {
    await using s = await scenario({ '/voice': () => RECORD, '/saved': () => '<Response/>', '/rec-status': () => '' });
    await s.inbound({ inputs: [{ hangup: true, afterMs: 0 }] });
    expect(s.app.requestsTo('/saved')).toHaveLength(0);
    expect(s.app.requestsTo('/rec-status').map((r) => r.params.RecordingStatus)).toEqual(['in-progress', 'absent']);
  });
});

describe('actions after the caller hangs up', () => {
  it('requests the Dial action with the bridge result', async () => {
    await using s = await scenario({
      '/voice': () => '<Response><Dial action="/after">+15550007001</Dial></Response>',
      '/after': () => '<Response/>',
    });
    await s.inbound({ hangupAfterMs: 9000 });
    expect(s.app.requestsTo('/after')[0]?.params).toMatchObject({
      DialCallStatus: 'completed',
      DialCallDuration: '9',
      CallStatus: 'completed',
    });
  });
});
