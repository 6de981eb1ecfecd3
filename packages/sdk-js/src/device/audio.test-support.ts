/**
 * A fake browser for the audio tests: `navigator.mediaDevices` with a list of devices that a
 * test changes (firing `devicechange`), microphone tracks that remember whether they were
 * stopped, `<audio>` elements that record play/pause and their sink, and `MediaStream`.
 *
 * @example
 * const fake = fakeBrowser();  // stubs the globals; vi.unstubAllGlobals() undoes it
 * fake.devices.push(device('audioinput', 'usb'));
 */
import { vi } from 'vitest';
import type { AudioDeviceInfo, MediaElement, Stream, Track } from './dom.js';

export class FakeTrack implements Track {
  enabled = true;
  readyState = 'live';
  readonly kind = 'audio';
  constructor(readonly deviceId: string) {}
  stop(): void {
    this.readyState = 'ended';
  }
  clone(): FakeTrack {
    return new FakeTrack(this.deviceId);
  }
}

export class FakeStream implements Stream {
  constructor(private tracks: Track[]) {}
  getAudioTracks = () => [...this.tracks];
  getTracks = () => [...this.tracks];
  addTrack = (track: Track) => void this.tracks.push(track);
  removeTrack = (track: Track) => {
    this.tracks = this.tracks.filter((t) => t !== track);
  };
}

export class FakeAudio implements MediaElement {
  static all: FakeAudio[] = [];
  srcObject: Stream | null = null;
  src = '';
  autoplay = false;
  loop = false;
  preload = '';
  currentTime = 0;
  paused = true;
  sinkId = '';
  plays = 0;
  constructor() {
    FakeAudio.all.push(this);
  }
  play = async () => {
    this.paused = false;
    this.plays++;
  };
  pause = () => {
    this.paused = true;
  };
  load = () => undefined;
  setSinkId = async (id: string) => {
    this.sinkId = id;
  };
}

export const device = (kind: 'audioinput' | 'audiooutput', deviceId: string): AudioDeviceInfo => ({
  deviceId,
  groupId: 'g',
  kind,
  label: `${kind} ${deviceId}`,
});

export function fakeBrowser(options: { sinks?: boolean; refuse?: string } = {}) {
  const devices: AudioDeviceInfo[] = [device('audioinput', 'default'), device('audiooutput', 'default')];
  const listeners: Array<() => void> = [];
  const opened: FakeTrack[] = [];
  const constraints: unknown[] = [];
  const mediaDevices = {
    enumerateDevices: async () => [...devices],
    getUserMedia: async (c: { audio: unknown }) => {
      constraints.push(c.audio);
      if (options.refuse) throw Object.assign(new Error('refused'), { name: options.refuse });
      const wanted = (c.audio as { deviceId?: { exact: string } }).deviceId?.exact ?? 'default';
      const track = new FakeTrack(wanted);
      opened.push(track);
      return new FakeStream([track]);
    },
    addEventListener: (_: string, listener: () => void) => void listeners.push(listener),
    removeEventListener: () => undefined,
  };
  FakeAudio.all = [];
  vi.stubGlobal('navigator', { mediaDevices });
  vi.stubGlobal('MediaStream', FakeStream);
  vi.stubGlobal('Audio', FakeAudio);
  class MediaElementPrototype {}
  if (options.sinks !== false) Object.assign(MediaElementPrototype.prototype, { setSinkId: () => undefined });
  vi.stubGlobal('HTMLMediaElement', MediaElementPrototype);
  return {
    devices,
    opened,
    constraints,
    /** The browser's `devicechange`. */
    change: () => {
      for (const listener of listeners) listener();
    },
  };
}
