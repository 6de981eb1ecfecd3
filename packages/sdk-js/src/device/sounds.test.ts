import { afterEach, describe, expect, it, vi } from 'vitest';
import { AudioHelper } from './audio.js';
import { device, FakeAudio, fakeBrowser } from './audio.test-support.js';
import { SOUND_NAMES, Sounds, soundOfKey } from './sounds.js';

afterEach(() => {
  vi.unstubAllGlobals();
});

const element = (src: string) => FakeAudio.all.find((a) => a.src === src);

describe('the device sounds', () => {
  it("loads the ringtone, outgoing and disconnect sounds ahead from Patchbay's /sdk/sounds, or where the app says", () => {
    fakeBrowser();
    new Sounds('https://pbx.example.com/', { outgoing: 'https://cdn.example.com/out.mp3' }, new AudioHelper());
    expect(FakeAudio.all.map((a) => [a.src, a.preload])).toEqual([
      ['https://pbx.example.com/sdk/sounds/incoming.wav', 'auto'],
      ['https://cdn.example.com/out.mp3', 'auto'],
      ['https://pbx.example.com/sdk/sounds/disconnect.wav', 'auto'],
    ]);
  });

  it('the ringtone loops until stopped, on the ringtone output; keys play on the speaker output', async () => {
    const fake = fakeBrowser();
    fake.devices.push(device('audiooutput', 'bell'), device('audiooutput', 'headset'));
    const audio = new AudioHelper();
    await expect.poll(() => audio.availableOutputDevices.size).toBe(3);
    await audio.ringtoneDevices.set('bell');
    await audio.speakerDevices.set('headset');
    const sounds = new Sounds('http://pbx', {}, audio);
    sounds.play('incoming');
    const ring = element('http://pbx/sdk/sounds/incoming.wav');
    expect(ring).toMatchObject({ loop: true, paused: false });
    expect(sounds.isPlaying('incoming')).toBe(true);
    await expect.poll(() => ring?.sinkId).toBe('bell');
    sounds.stop('incoming');
    expect(sounds.isPlaying('incoming')).toBe(false);
    sounds.play('dtmf5');
    const key = element('http://pbx/sdk/sounds/dtmf5.wav');
    expect(key).toMatchObject({ loop: false, paused: false });
    await expect.poll(() => key?.sinkId).toBe('headset');
  });

  it('a sound turned off with device.audio.incoming(false) does not play', () => {
    fakeBrowser();
    const audio = new AudioHelper();
    const sounds = new Sounds('http://pbx', {}, audio);
    audio.incoming(false);
    sounds.play('incoming');
    expect(sounds.isPlaying('incoming')).toBe(false);
  });

  it('names every sound as the hosted SDK does; keys map to their sound', () => {
    expect(SOUND_NAMES).toEqual([
      'incoming',
      'outgoing',
      'disconnect',
      ...'0123456789'.split('').map((k) => `dtmf${k}`),
      'dtmfs',
      'dtmfh',
    ]);
    expect([soundOfKey('*'), soundOfKey('#'), soundOfKey('7'), soundOfKey('A')]).toEqual([
      'dtmfs',
      'dtmfh',
      'dtmf7',
      undefined,
    ]);
  });

  it('in Node nothing plays and nothing breaks', () => {
    const sounds = new Sounds('http://pbx', {}, new AudioHelper());
    sounds.play('incoming');
    expect(sounds.isPlaying('incoming')).toBe(false);
  });
});
