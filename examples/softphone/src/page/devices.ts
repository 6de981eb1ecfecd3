/**
 * The audio settings: which microphone and which speaker, through the SDK's `device.audio` (the
 * hosted browser SDK's names). `enumerateDevices` only names devices after the person has allowed
 * the microphone, so the panel offers that first; without `navigator.mediaDevices` (a page not
 * served over https or from localhost) it says why there is no choice. The speaker applies to
 * call audio and the ringtone (`speakerDevices`, `ringtoneDevices`); a microphone chosen during a
 * call switches it at once (`setInputDevice`), and each call starts on the chosen one and releases
 * it when it ends, so the browser does not show the microphone in use between calls.
 *
 * @example
 * const settings = new DeviceSettings(elements, () => device);
 * await settings.refresh();
 */
import { AudioError, type Device } from '@patchbay/sdk/client';

export interface DeviceElements {
  readonly microphone: HTMLSelectElement;
  readonly speaker: HTMLSelectElement;
  readonly note: HTMLElement;
  readonly allow: HTMLButtonElement;
}

const STORE = 'patchbay-softphone-devices';

/** Output selection needs `setSinkId` (Chromium, Firefox 116+; not Safari). */
function canChooseOutput(device: Device | undefined): boolean {
  if (device) return device.audio.isOutputSelectionSupported;
  return typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;
}

function fill(select: HTMLSelectElement, devices: MediaDeviceInfo[], chosen: string | undefined): void {
  const options = devices.map((device, index) => {
    const option = new Option(device.label || `Device ${index + 1}`, device.deviceId);
    option.selected = device.deviceId === chosen;
    return option;
  });
  select.replaceChildren(...(options.length > 0 ? options : [new Option('System default', '')]));
  select.disabled = options.length === 0;
}

export class DeviceSettings {
  private chosen: { microphone?: string; speaker?: string };
  /** Whether a call holds the chosen microphone (released when it ends). */
  private inCall = false;

  constructor(
    private readonly elements: DeviceElements,
    private readonly device: () => Device | undefined,
  ) {
    this.chosen = JSON.parse(localStorage.getItem(STORE) ?? '{}') as typeof this.chosen;
    elements.microphone.onchange = () => void this.choose('microphone', elements.microphone.value);
    elements.speaker.onchange = () => void this.choose('speaker', elements.speaker.value);
    elements.allow.onclick = () => void this.allow();
    navigator.mediaDevices?.addEventListener?.('devicechange', () => void this.refresh());
  }

  /** Lists the devices again (after a permission, or a headset plugged in). */
  async refresh(): Promise<void> {
    const { microphone, speaker, note, allow } = this.elements;
    if (!navigator.mediaDevices?.enumerateDevices) {
      fill(microphone, [], undefined);
      fill(speaker, [], undefined);
      note.textContent = 'Choosing devices needs a secure page (https, or localhost).';
      allow.hidden = true;
      return;
    }
    const devices = await navigator.mediaDevices.enumerateDevices().catch(() => [] as MediaDeviceInfo[]);
    const inputs = devices.filter((device) => device.kind === 'audioinput');
    const outputs = devices.filter((device) => device.kind === 'audiooutput');
    const output = canChooseOutput(this.device());
    fill(microphone, inputs, this.chosen.microphone);
    fill(speaker, output ? outputs : [], this.chosen.speaker);
    const named = devices.some((device) => device.label !== '');
    allow.hidden = named || inputs.length === 0;
    note.textContent = !output
      ? 'This browser plays calls on its default speaker.'
      : named || inputs.length === 0
        ? ''
        : 'Allow the microphone to see your devices by name.';
    if (inputs.length === 0) note.textContent = 'No microphone found.';
    await this.applySpeaker().catch(() => undefined);
  }

  /** A call starts: it uses the chosen microphone (the SDK opens it). */
  async callStarting(): Promise<void> {
    this.inCall = true;
    const id = this.chosen.microphone;
    if (id)
      await this.device()
        ?.audio.setInputDevice(id)
        .catch(() => undefined);
  }

  /** The call ended: the microphone is released. */
  async callEnded(): Promise<void> {
    this.inCall = false;
    await this.device()
      ?.audio.unsetInputDevice()
      .catch(() => undefined);
  }

  /** Plays calls and the ringtone on the chosen speaker (after sign-in, and when it changes). */
  async applySpeaker(): Promise<void> {
    const device = this.device();
    const id = this.chosen.speaker;
    if (!device || !id || !device.audio.isOutputSelectionSupported) return;
    await device.audio.speakerDevices.set(id);
    await device.audio.ringtoneDevices.set(id);
  }

  private async allow(): Promise<void> {
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      for (const track of stream.getTracks()) track.stop();
    } catch {
      this.elements.note.textContent = 'The microphone was not allowed; the browser decides which one calls use.';
    }
    await this.refresh();
  }

  private async choose(kind: 'microphone' | 'speaker', deviceId: string): Promise<void> {
    this.chosen[kind] = deviceId;
    localStorage.setItem(STORE, JSON.stringify(this.chosen));
    try {
      if (kind === 'speaker') await this.applySpeaker();
      else if (this.inCall) await this.device()?.audio.setInputDevice(deviceId);
      this.elements.note.textContent = '';
    } catch (error) {
      this.elements.note.textContent =
        error instanceof AudioError && error.code === 'not-supported'
          ? 'This browser plays calls on its default speaker.'
          : `That ${kind} could not be used. Choose another.`;
    }
  }
}
