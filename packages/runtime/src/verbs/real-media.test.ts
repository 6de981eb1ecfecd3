import { describe, expect, it } from 'vitest';
import { type MediaLeg, MediaProblem } from '../media/types.js';
import { scenario } from '../testing/scenario.js';

describe('a prompt the media adapter cannot render', () => {
  it('is a warning on the call with its code, and the call goes on with the next verb', async () => {
    await using s = await scenario({
      '/voice': () =>
        '<Response><Say>Unspeakable</Say><Play>http://127.0.0.1:1/not-audio.txt</Play><Say>Still here</Say></Response>',
    });
    // A real adapter rejects what it cannot speak or decode with a MediaProblem.
    s.network.events.on('incoming', (leg: MediaLeg) => {
      const say = leg.say.bind(leg);
      leg.say = (text, voice, signal) =>
        text === 'Unspeakable' ? Promise.reject(new MediaProblem(13520, 'Say: no engine')) : say(text, voice, signal);
      leg.play = () => Promise.reject(new MediaProblem(12300, 'Play: not audio'));
    });
    const warnings: Array<[number, string]> = [];
    s.runtime.events.on('call.warning', (_call, warning) => warnings.push([warning.code, warning.message]));
    const { call, caller } = await s.inbound();
    expect(caller.lines()).toEqual(['answered', 'heard-speech "Still here" (voice man, en-US)', 'disconnected']);
    expect(call.status).toBe('completed');
    expect(warnings).toEqual([
      [13520, 'Say: no engine'],
      [12300, 'Play: not audio'],
    ]);
  });
});

describe('<Say> with SSML', () => {
  it('gives the media adapter the SSML as a <speak> document beside the plain text; plain text has none', async () => {
    await using s = await scenario({
      '/voice': () =>
        '<Response><Say voice="Polly.Joanna">Your code is <say-as interpret-as="digits">42</say-as>.<break time="1s"/>Bye &amp; thanks</Say><Say>Plain</Say></Response>',
    });
    const spoken: Array<[string, string | undefined]> = [];
    s.network.events.on('incoming', (leg: MediaLeg) => {
      const say = leg.say.bind(leg);
      leg.say = (text, voice, signal) => {
        spoken.push([text, voice.ssml]);
        return say(text, voice, signal);
      };
    });
    await s.inbound();
    expect(spoken).toEqual([
      [
        'Your code is 42.Bye & thanks',
        '<speak>Your code is <say-as interpret-as="digits">42</say-as>.<break time="1s"/>Bye &amp; thanks</speak>',
      ],
      ['Plain', undefined],
    ]);
  });
});

describe('<Gather input="speech"> on media with no speech recognizer', () => {
  it('warns (12200), hears no speech, and goes on as with no input', async () => {
    await using s = await scenario({
      '/voice': () =>
        '<Response><Gather input="speech dtmf" action="/got" timeout="2"><Say>Say or press</Say></Gather><Say>Nothing heard</Say></Response>',
      '/got': () => '<Response><Say>Got it</Say></Response>',
    });
    Object.assign(s.network, { capabilities: { ...s.network.capabilities, speech: false } });
    const warnings: number[] = [];
    s.runtime.events.on('call.warning', (_call, warning) => warnings.push(warning.code));
    const { caller } = await s.inbound({ script: [{ type: 'say', text: 'sales please' }] });
    expect(warnings).toEqual([12200]);
    expect(caller.lines()).toContain('heard-speech "Nothing heard" (voice man, en-US)');
    expect(s.app.requestsTo('/got')).toHaveLength(0);
  });
});

describe('<Dial> ringing', () => {
  it('plays ringback to the caller while the far end rings, and stops it when the far end answers', async () => {
    await using s = await scenario({
      '/voice': () => '<Response><Dial answerOnBridge="true"><Number>+15550003000</Number></Dial></Response>',
    });
    s.network.addNumber('+15550003000', { ringMs: 3000, hangupAfterMs: 1000 });
    const ringback: string[] = [];
    s.network.events.on('incoming', (leg: MediaLeg) => {
      leg.ringback = (signal) => {
        ringback.push(`start ${s.clock.now()}`);
        return new Promise((resolve) =>
          signal.addEventListener('abort', () => {
            ringback.push(`stop ${s.clock.now()}`);
            resolve();
          }),
        );
      };
    });
    const started = s.clock.now();
    await s.inbound();
    expect(ringback).toEqual([`start ${started}`, `stop ${started + 3000}`]);
  });
});

describe('<Dial><Sip> on SIP media', () => {
  it("gives the action DialSipResponseCode: the far end's final response", async () => {
    await using s = await scenario({
      '/voice': () => '<Response><Dial action="/after"><Sip>sip:alice@127.0.0.2:5062</Sip></Dial></Response>',
      '/after': () => '<Response/>',
    });
    // What a SIP adapter reports for a 486 Busy Here.
    s.network.originate = async () => ({ outcome: 'busy', reason: '486 Busy Here', sipResponseCode: 486 });
    await s.inbound();
    expect(s.app.requestsTo('/after')[0]?.params).toMatchObject({
      DialCallStatus: 'busy',
      DialSipResponseCode: '486',
    });
  });
});
