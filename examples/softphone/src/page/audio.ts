/**
 * The page's sound: the ringtone, the far end's audio, the speaker they play on, and a level
 * meter for the microphone. Everything that needs something a browser or the SDK may lack is
 * feature-checked, so the page works on the simulated network today and plays real audio as
 * soon as the SDK's Call exposes its media streams.
 *
 * @example
 * const audio = new PhoneAudio({ ringtone, remote, meter });
 * audio.ring();           // an invitation arrived
 * audio.attach(call);     // the call connected: play its audio, meter its microphone
 */

/**
 * What the page would use of a call's media. Today's `Call` has neither method; these are the
 * names the hosted service's browser SDK uses, checked before each use.
 */
interface CallMedia {
  getRemoteStream?: () => MediaStream | undefined;
  getLocalStream?: () => MediaStream | undefined;
}

type SinkElement = HTMLMediaElement & { setSinkId?: (sinkId: string) => Promise<void> };

/** Output selection needs `setSinkId` (Chromium, Firefox 116+; not Safari). */
export function canChooseOutput(): boolean {
  return typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;
}

/** Microphone level from an AnalyserNode: root mean square of the waveform, shown on a <meter>. */
export class LevelMeter {
  private context: AudioContext | undefined;
  private frame = 0;

  constructor(private readonly meter: HTMLMeterElement) {}

  start(stream: MediaStream): void {
    this.stop();
    if (typeof AudioContext === 'undefined' || stream.getAudioTracks().length === 0) return;
    const context = new AudioContext();
    const analyser = context.createAnalyser();
    analyser.fftSize = 512;
    context.createMediaStreamSource(stream).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    const tick = () => {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const sample of samples) sum += sample * sample;
      // Speech sits around 0.05-0.2 RMS; scaling by 4 makes normal speech fill most of the bar.
      this.meter.value = Math.min(1, Math.sqrt(sum / samples.length) * 4);
      this.frame = requestAnimationFrame(tick);
    };
    this.context = context;
    this.meter.hidden = false;
    tick();
  }

  stop(): void {
    cancelAnimationFrame(this.frame);
    void this.context?.close().catch(() => {});
    this.context = undefined;
    this.meter.value = 0;
    this.meter.hidden = true;
  }
}

export class PhoneAudio {
  private readonly meter: LevelMeter;

  constructor(
    private readonly elements: { ringtone: HTMLAudioElement; remote: HTMLAudioElement; meter: HTMLMeterElement },
  ) {
    this.meter = new LevelMeter(elements.meter);
  }

  /** Rings; a browser that blocks sound before the first click still shows the banner. */
  ring(): void {
    const { ringtone } = this.elements;
    ringtone.currentTime = 0;
    void ringtone.play().catch(() => {});
  }

  stopRinging(): void {
    this.elements.ringtone.pause();
  }

  get ringing(): boolean {
    return !this.elements.ringtone.paused;
  }

  /** Plays the call's audio and meters its microphone, where the SDK exposes them. */
  attach(call: object): void {
    const media = call as CallMedia;
    const remote = typeof media.getRemoteStream === 'function' ? media.getRemoteStream() : undefined;
    if (remote) {
      this.elements.remote.srcObject = remote;
      void this.elements.remote.play().catch(() => {});
    }
    const local = typeof media.getLocalStream === 'function' ? media.getLocalStream() : undefined;
    if (local) this.meter.start(local);
  }

  detach(): void {
    this.elements.remote.srcObject = null;
    this.meter.stop();
  }

  /** Sends the ringtone and the call's audio to this output device. */
  async setOutput(deviceId: string): Promise<void> {
    for (const element of [this.elements.ringtone, this.elements.remote] as SinkElement[])
      await element.setSinkId?.(deviceId);
  }
}
