/**
 * The page's sound, now that the SDK does the work: it rings for invitations (its ringtone, from
 * Patchbay), plays the far end on the speaker chosen with `device.audio.speakerDevices`, and
 * reports levels in `volume` events. What is left here is the microphone level meter, fed by
 * those events.
 *
 * @example
 * const meter = new LevelMeter(document.querySelector('meter'));
 * meter.follow(call);  // the call connected
 * meter.stop();        // it ended
 */
import type { Call } from '@patchbay/sdk/client';

/** The microphone's level (the SDK's `inputVolume`, 0..1) on a <meter>, while a call has audio. */
export class LevelMeter {
  private call: Call | undefined;
  private readonly onVolume = (input: number) => {
    this.meter.hidden = false;
    this.meter.value = input;
  };

  constructor(private readonly meter: HTMLMeterElement) {}

  follow(call: Call): void {
    this.stop();
    this.call = call;
    call.on('volume', this.onVolume);
  }

  stop(): void {
    this.call?.off('volume', this.onVolume);
    this.call = undefined;
    this.meter.value = 0;
    this.meter.hidden = true;
  }
}
