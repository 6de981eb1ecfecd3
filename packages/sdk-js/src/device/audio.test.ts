import { afterEach, describe, expect, it, vi } from 'vitest';
import { DeviceError } from '../protocol/errors.js';
import { AudioError, AudioHelper, type InputUser } from './audio.js';
import { device, FakeAudio, type FakeTrack, fakeBrowser } from './audio.test-support.js';
import type { Track } from './dom.js';

afterEach(() => {
  vi.unstubAllGlobals();
});

/** Waits for the helper's first device listing (started by its constructor). */
const listed = (audio: AudioHelper) => expect.poll(() => audio.availableInputDevices.size).toBeGreaterThan(0);

/** A call in progress, as the helper sees it: the microphone track it sends. */
class FakeCall implements InputUser {
  sending: FakeTrack | undefined;
  async replaceInput(track: Track): Promise<void> {
    this.sending = (track as FakeTrack).clone();
  }
}

describe('device.audio', () => {
  it('lists microphones and speakers, and lists them again on devicechange with a deviceChange event', async () => {
    const fake = fakeBrowser();
    const audio = new AudioHelper();
    await listed(audio);
    expect([...audio.availableInputDevices.keys()]).toEqual(['default']);
    expect([...audio.availableOutputDevices.keys()]).toEqual(['default']);
    const changed = new Promise((resolve) => audio.once('deviceChange', resolve));
    fake.devices.push(device('audioinput', 'headset'), device('audiooutput', 'headset-out'));
    fake.change();
    expect(await changed).toEqual([]);
    expect([...audio.availableInputDevices.keys()]).toEqual(['default', 'headset']);
    expect(audio.availableOutputDevices.get('headset-out')?.label).toBe('audiooutput headset-out');
  });

  it('setInputDevice switches the microphone of a call in progress and of the next calls', async () => {
    const fake = fakeBrowser();
    fake.devices.push(device('audioinput', 'headset'));
    const audio = new AudioHelper({ echoCancellation: false });
    await listed(audio);
    const call = new FakeCall();
    audio._use(call);
    await audio.setInputDevice('headset');
    expect(call.sending?.deviceId).toBe('headset');
    expect(fake.constraints).toEqual([{ echoCancellation: false, deviceId: { exact: 'headset' } }]);
    expect(audio.inputDevice?.deviceId).toBe('headset');
    // the next call sends a clone of the chosen microphone: no new getUserMedia
    const next = await audio._microphone();
    expect((next.getAudioTracks()[0] as FakeTrack).deviceId).toBe('headset');
    expect(fake.opened).toHaveLength(1);
    // released: the device's track stops, calls in progress go back to the default microphone
    await audio.unsetInputDevice();
    expect(fake.opened[0]?.readyState).toBe('ended');
    expect(call.sending?.deviceId).toBe('default');
    expect(audio.inputDevice).toBeNull();
  });

  it('an unknown microphone is an InvalidArgumentError; a refused one a DeviceError 31401', async () => {
    fakeBrowser();
    const audio = new AudioHelper();
    await listed(audio);
    const unknown = await audio.setInputDevice('nope').catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(AudioError);
    expect(unknown).toMatchObject({ name: 'InvalidArgumentError', code: 'unknown-device' });
    vi.unstubAllGlobals();
    fakeBrowser({ refuse: 'NotAllowedError' });
    const refused = await new AudioHelper().setInputDevice('default').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DeviceError);
    expect(refused).toMatchObject({ errorName: 'PermissionDenied', code: 31401 });
  });

  it('speakerDevices.set moves every attached element to that output; ringtoneDevices its own', async () => {
    const fake = fakeBrowser();
    fake.devices.push(device('audiooutput', 'headset-out'));
    const audio = new AudioHelper();
    await listed(audio);
    expect(audio.isOutputSelectionSupported).toBe(true);
    const [speaker, ringer] = [new FakeAudio(), new FakeAudio()];
    audio.speakerDevices._attach(speaker);
    audio.ringtoneDevices._attach(ringer);
    await audio.speakerDevices.set(['headset-out']);
    expect(speaker.sinkId).toBe('headset-out');
    expect(ringer.sinkId).toBe('');
    expect([...audio.speakerDevices.get()].map((d) => d.deviceId)).toEqual(['headset-out']);
    // an element attached later follows the choice too
    const late = new FakeAudio();
    audio.speakerDevices._attach(late);
    await expect.poll(() => late.sinkId).toBe('headset-out');
    await expect(audio.speakerDevices.set('gone')).rejects.toMatchObject({ code: 'unknown-device' });
    // a device the helper has not listed yet (no devicechange seen) is looked up before refusing
    fake.devices.push(device('audiooutput', 'just-plugged'));
    await audio.ringtoneDevices.set('just-plugged');
    expect(ringer.sinkId).toBe('just-plugged');
    await audio.ringtoneDevices.set('default');
    fake.devices.pop();
    // unplugged: the set forgets it and the element goes back to the default output
    const lost = new Promise((resolve) => audio.once('deviceChange', resolve));
    fake.devices.pop();
    fake.change();
    expect(((await lost) as Array<{ deviceId: string }>).map((d) => d.deviceId)).toEqual(['headset-out']);
    await expect.poll(() => speaker.sinkId).toBe('');
  });

  it('without setSinkId, output selection is not supported and says so with a typed error', async () => {
    fakeBrowser({ sinks: false });
    const audio = new AudioHelper();
    await listed(audio);
    expect(audio.isOutputSelectionSupported).toBe(false);
    await expect(audio.speakerDevices.set('default')).rejects.toMatchObject({
      name: 'NotSupportedError',
      code: 'not-supported',
    });
  });

  it('in Node (no browser APIs) it is empty and says nothing is supported', async () => {
    const audio = new AudioHelper();
    expect(audio.availableInputDevices.size).toBe(0);
    expect(audio.isOutputSelectionSupported).toBe(false);
    await expect(audio.setInputDevice('x')).rejects.toMatchObject({ code: 'not-supported' });
    expect(audio.incoming()).toBe(true);
    expect(audio.incoming(false)).toBe(false);
  });
});
