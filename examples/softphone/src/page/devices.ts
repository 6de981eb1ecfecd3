/**
 * The audio settings: which microphone and which speaker, where the browser lets the page
 * choose. `enumerateDevices` only names devices after the person has allowed the microphone, so
 * the panel offers that first; without `navigator.mediaDevices` (a page not served over https or
 * from localhost) it says why there is no choice. The speaker applies through `setSinkId`; the
 * microphone choice is kept and handed to the SDK when it offers a way to take it.
 *
 * @example
 * const settings = new DeviceSettings(elements, audio, () => device);
 * await settings.refresh();
 */
import { canChooseOutput, type PhoneAudio } from './audio.js';

export interface DeviceElements {
  readonly microphone: HTMLSelectElement;
  readonly speaker: HTMLSelectElement;
  readonly note: HTMLElement;
  readonly allow: HTMLButtonElement;
}

/** The SDK's audio helper, if it has one (the hosted browser SDK's `device.audio`); checked before use. */
interface DeviceAudioHelper {
  audio?: { setInputDevice?: (deviceId: string) => Promise<void> };
}

const STORE = 'patchbay-softphone-devices';

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

  constructor(
    private readonly elements: DeviceElements,
    private readonly audio: PhoneAudio,
    private readonly device: () => object | undefined,
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
    fill(microphone, inputs, this.chosen.microphone);
    fill(speaker, canChooseOutput() ? outputs : [], this.chosen.speaker);
    const named = devices.some((device) => device.label !== '');
    allow.hidden = named || inputs.length === 0;
    note.textContent = !canChooseOutput()
      ? 'This browser plays calls on its default speaker.'
      : named || inputs.length === 0
        ? ''
        : 'Allow the microphone to see your devices by name.';
    if (inputs.length === 0) note.textContent = 'No microphone found.';
    if (this.chosen.speaker && canChooseOutput()) await this.audio.setOutput(this.chosen.speaker).catch(() => {});
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
      if (kind === 'speaker') await this.audio.setOutput(deviceId);
      else await (this.device() as DeviceAudioHelper | undefined)?.audio?.setInputDevice?.(deviceId);
      this.elements.note.textContent = '';
    } catch {
      this.elements.note.textContent = `That ${kind} could not be used. Choose another.`;
    }
  }
}
