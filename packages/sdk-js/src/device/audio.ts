/**
 * `device.audio`: which microphone and which speakers, with the hosted browser SDK's names and
 * shapes (`availableInputDevices`, `setInputDevice`, `speakerDevices.set`, ...), so code written
 * for it works here. Switching the microphone in a call replaces the track the call sends
 * (`RTCRtpSender.replaceTrack`): no renegotiation, the far end hears the new microphone at once.
 * A chosen microphone is held open for later calls until `unsetInputDevice()`; each call sends
 * its own clone of it, so muting or hanging up one call leaves the others alone.
 *
 * @example
 * device.audio.on('deviceChange', () => render([...device.audio.availableInputDevices.values()]));
 * await device.audio.setInputDevice(headsetId);        // this call and the next ones
 * if (device.audio.isOutputSelectionSupported) await device.audio.speakerDevices.set(headsetOutId);
 */
import { EventEmitter } from 'eventemitter3';
import { DeviceError } from '../protocol/errors.js';
import { type AudioDeviceInfo, browser, type MediaElement, type Stream, type Track } from './dom.js';

export type { AudioDeviceInfo } from './dom.js';

/** The sounds `incoming()`, `outgoing()` and `disconnect()` turn on and off. */
export type ToggleableSound = 'incoming' | 'outgoing' | 'disconnect';

/** Audio selection that this browser cannot do, or a device id it does not list (the hosted SDK's names). */
export class AudioError extends Error {
  override readonly name: 'NotSupportedError' | 'InvalidArgumentError';
  constructor(
    /** Stable reason: branch on this. */
    readonly code: 'not-supported' | 'unknown-device' | 'no-device',
    message: string,
  ) {
    super(message);
    this.name = code === 'not-supported' ? 'NotSupportedError' : 'InvalidArgumentError';
  }
}

export interface AudioHelperEvents {
  /** The browser's devices changed (plugged, unplugged, permission given); lists the active ones that are gone. */
  deviceChange: (lostActiveDevices: AudioDeviceInfo[]) => void;
}

/** What a call in progress lets the helper do: swap the microphone it sends. */
export interface InputUser {
  replaceInput(track: Track): Promise<void>;
}

/** Turns getUserMedia's DOMException into the hosted SDK's codes (31401 refused, 31402 unavailable). */
export function microphoneError(error: unknown): DeviceError {
  const name = (error as { name?: string } | undefined)?.name;
  const refused = name === 'NotAllowedError' || name === 'SecurityError' || name === 'PermissionDeniedError';
  return new DeviceError(refused ? 'PermissionDenied' : 'AcquisitionFailed', `the microphone: ${String(error)}`, {
    cause: error,
  });
}

/** The output devices one kind of sound plays on (`speakerDevices`, `ringtoneDevices`). */
export class OutputDeviceCollection {
  private active = new Set<AudioDeviceInfo>();
  private readonly elements = new Set<MediaElement>();

  /** @internal */
  constructor(
    private readonly available: ReadonlyMap<string, AudioDeviceInfo>,
    private readonly supported: () => boolean,
    /** Lists the devices again (an id not seen yet may be new). */
    private readonly refresh: () => Promise<void> = async () => undefined,
  ) {}

  /** The devices this sound plays on now (empty: the browser's default). */
  get(): Set<AudioDeviceInfo> {
    return new Set(this.active);
  }

  /**
   * Plays this sound on these devices (listed in `availableOutputDevices`). An element plays on
   * one device: the first given; the others stay in the set for `get()`.
   */
  async set(deviceIdOrIds: string | readonly string[]): Promise<void> {
    if (!this.supported()) throw new AudioError('not-supported', 'this browser cannot choose the output device');
    const ids = typeof deviceIdOrIds === 'string' ? [deviceIdOrIds] : [...deviceIdOrIds];
    if (ids.length === 0) throw new AudioError('no-device', 'give at least one device id');
    if (ids.some((id) => !this.available.has(id))) await this.refresh();
    const devices = ids.map((id) => {
      const device = this.available.get(id);
      if (!device) throw new AudioError('unknown-device', `no output device with id "${id}"`);
      return device;
    });
    this.active = new Set(devices);
    await Promise.all([...this.elements].map((element) => this.apply(element)));
  }

  /** Forgets a device (unplugged); false if it was not in the set. */
  delete(device: AudioDeviceInfo): boolean {
    const found = [...this.active].find((d) => d.deviceId === device.deviceId);
    if (!found) return false;
    this.active.delete(found);
    for (const element of this.elements) void this.apply(element).catch(() => undefined);
    return true;
  }

  /** @internal An element that plays this sound: it follows the set from now on; returns its release. */
  _attach(element: MediaElement): () => void {
    this.elements.add(element);
    if (this.active.size > 0) void this.apply(element).catch(() => undefined);
    return () => this.elements.delete(element);
  }

  private async apply(element: MediaElement): Promise<void> {
    const [first] = this.active;
    await element.setSinkId?.(first?.deviceId ?? '');
  }
}

export class AudioHelper extends EventEmitter<AudioHelperEvents> {
  /** Microphones by device id (named once the person has allowed the microphone). */
  readonly availableInputDevices = new Map<string, AudioDeviceInfo>();
  /** Speakers and headsets by device id. */
  readonly availableOutputDevices = new Map<string, AudioDeviceInfo>();
  /** Where call audio, the outgoing, disconnect and key sounds play. */
  readonly speakerDevices: OutputDeviceCollection;
  /** Where the ringtone of incoming calls plays. */
  readonly ringtoneDevices: OutputDeviceCollection;
  private selected: { readonly device: AudioDeviceInfo; readonly stream: Stream } | undefined;
  private readonly users = new Set<InputUser>();
  private readonly enabledSounds: Record<ToggleableSound, boolean> = {
    incoming: true,
    outgoing: true,
    disconnect: true,
  };
  private readonly onDeviceChange = () => void this.refresh().catch(() => undefined);

  /** @internal */
  constructor(private readonly constraints: unknown = true) {
    super();
    const supported = () => this.isOutputSelectionSupported;
    const refresh = () => this.refresh();
    this.speakerDevices = new OutputDeviceCollection(this.availableOutputDevices, supported, refresh);
    this.ringtoneDevices = new OutputDeviceCollection(this.availableOutputDevices, supported, refresh);
    const devices = browser().navigator?.mediaDevices;
    devices?.addEventListener?.('devicechange', this.onDeviceChange);
    if (devices?.enumerateDevices) void this.refresh().catch(() => undefined);
  }

  /** Whether this browser can choose where audio plays (`HTMLMediaElement.setSinkId` and device listing). */
  get isOutputSelectionSupported(): boolean {
    const { HTMLMediaElement, navigator } = browser();
    return (
      HTMLMediaElement !== undefined &&
      'setSinkId' in HTMLMediaElement.prototype &&
      typeof navigator?.mediaDevices?.enumerateDevices === 'function'
    );
  }

  /** The microphone chosen with `setInputDevice` (null: the browser's default). */
  get inputDevice(): AudioDeviceInfo | null {
    return this.selected?.device ?? null;
  }

  /** The chosen microphone's stream (null: none chosen). */
  get inputStream(): Stream | null {
    return this.selected?.stream ?? null;
  }

  /**
   * Uses this microphone for the calls in progress (their track is replaced, no renegotiation)
   * and the next ones. It stays open until `unsetInputDevice()`.
   */
  async setInputDevice(deviceId: string): Promise<void> {
    const devices = browser().navigator?.mediaDevices;
    if (!devices?.getUserMedia) throw new AudioError('not-supported', 'this browser has no microphone API');
    if (!this.availableInputDevices.has(deviceId)) await this.refresh();
    const device = this.availableInputDevices.get(deviceId);
    if (!device) throw new AudioError('unknown-device', `no microphone with id "${deviceId}"`);
    const stream = await this.open({ deviceId: { exact: deviceId } });
    await this.switchCalls(stream);
    this.release();
    this.selected = { device, stream };
  }

  /** Releases the chosen microphone; calls in progress go back to the browser's default one. */
  async unsetInputDevice(): Promise<void> {
    if (!this.selected) return;
    if (this.users.size > 0) {
      const fallback = await this.open({});
      await this.switchCalls(fallback);
      for (const track of fallback.getTracks()) track.stop();
    }
    this.release();
  }

  /** Lists the devices again (done on every `devicechange`); emits `deviceChange`. */
  async refresh(): Promise<void> {
    const list = await browser().navigator?.mediaDevices?.enumerateDevices?.();
    if (!list) return;
    const lost: AudioDeviceInfo[] = [];
    const update = (map: Map<string, AudioDeviceInfo>, kind: string) => {
      const now = new Map(list.filter((d) => d.kind === kind).map((d) => [d.deviceId, d] as const));
      for (const [id, device] of map) if (!now.has(id)) lost.push(device);
      map.clear();
      for (const [id, device] of now) map.set(id, device);
    };
    update(this.availableInputDevices, 'audioinput');
    update(this.availableOutputDevices, 'audiooutput');
    const lostActive = lost.filter(
      (device) =>
        this.speakerDevices.delete(device) ||
        this.ringtoneDevices.delete(device) ||
        device.deviceId === this.selected?.device.deviceId,
    );
    if (lostActive.some((device) => device.deviceId === this.selected?.device.deviceId))
      await this.unsetInputDevice().catch(() => undefined);
    this.emit('deviceChange', lostActive);
  }

  /** Turns the ringtone of incoming calls on or off; returns whether it is on. */
  incoming(doEnable?: boolean): boolean {
    return this.toggle('incoming', doEnable);
  }

  /** Turns the sound of a placed call starting on or off; returns whether it is on. */
  outgoing(doEnable?: boolean): boolean {
    return this.toggle('outgoing', doEnable);
  }

  /** Turns the sound of a call ending on or off; returns whether it is on. */
  disconnect(doEnable?: boolean): boolean {
    return this.toggle('disconnect', doEnable);
  }

  /** @internal */
  _soundEnabled(name: string): boolean {
    return this.enabledSounds[name as ToggleableSound] ?? true;
  }

  /** @internal A call's microphone: a clone of the chosen device's track, or the default microphone opened for it. */
  async _microphone(): Promise<Stream> {
    const track = this.selected?.stream.getAudioTracks()[0];
    const Stream = browser().MediaStream;
    if (track?.clone && track.readyState !== 'ended' && Stream) return new Stream([track.clone()]);
    return this.open({});
  }

  /** @internal A call in progress follows microphone changes until the returned function is called. */
  _use(user: InputUser): () => void {
    this.users.add(user);
    return () => this.users.delete(user);
  }

  /** @internal */
  _destroy(): void {
    browser().navigator?.mediaDevices?.removeEventListener?.('devicechange', this.onDeviceChange);
    this.release();
    this.users.clear();
    this.removeAllListeners();
  }

  private toggle(name: ToggleableSound, doEnable: boolean | undefined): boolean {
    if (doEnable !== undefined) this.enabledSounds[name] = doEnable;
    return this.enabledSounds[name];
  }

  private async open(device: Record<string, unknown>): Promise<Stream> {
    const devices = browser().navigator?.mediaDevices;
    if (!devices?.getUserMedia) throw new AudioError('not-supported', 'this browser has no microphone API');
    const base = typeof this.constraints === 'object' && this.constraints !== null ? this.constraints : {};
    try {
      return await devices.getUserMedia({ audio: { ...base, ...device } });
    } catch (error) {
      throw microphoneError(error);
    }
  }

  private async switchCalls(stream: Stream): Promise<void> {
    const track = stream.getAudioTracks()[0];
    if (!track) throw new DeviceError('AcquisitionFailed', 'the microphone gave no audio track');
    await Promise.all([...this.users].map((user) => user.replaceInput(track)));
  }

  private release(): void {
    for (const track of this.selected?.stream.getTracks() ?? []) track.stop();
    this.selected = undefined;
  }
}
