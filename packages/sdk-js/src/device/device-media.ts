/**
 * A device's audio side: `device.audio` (audio.ts), its sounds (sounds.ts), the ringtone while
 * invitations wait, and each call's WebRTC media (media.ts) with the ICE servers to use: the
 * app's `media.iceServers` when given, else those the server handed out in its welcome (TURN
 * credentials included).
 *
 * @example
 * const media = new DeviceMedia(options);
 * media.ring(call);   // an invitation arrived
 * media.settled(call) // it was accepted, rejected or withdrawn
 */
import type { Welcome } from '../protocol/messages.js';
import { AudioHelper } from './audio.js';
import type { Call } from './call.js';
import { CallMedia, type CallMediaOptions, type RtcConfiguration, webRtcAvailable } from './media.js';
import { type SoundName, Sounds } from './sounds.js';

export interface DeviceMediaOptions {
  readonly server: string;
  readonly media?: CallMediaOptions | false;
  readonly sounds?: Partial<Record<SoundName, string>>;
}

export class DeviceMedia {
  readonly audio: AudioHelper;
  private readonly sounds: Sounds;
  private readonly ringing = new Set<Call>();

  constructor(private readonly options: DeviceMediaOptions) {
    this.audio = new AudioHelper(options.media ? options.media.audio : undefined);
    this.sounds = new Sounds(options.server, options.sounds ?? {}, this.audio);
  }

  /** Whether calls may have audio here (the app did not turn it off, the browser has WebRTC). */
  get wanted(): boolean {
    return this.options.media !== false && webRtcAvailable();
  }

  /**
   * Audio for a call, when this browser and the server both carry WebRTC. ICE servers: the call's
   * `rtcConfiguration`, else the device's `media.iceServers`, else the server's.
   */
  async open(welcome: Welcome | undefined, rtc: RtcConfiguration = {}): Promise<CallMedia | undefined> {
    if (!this.wanted || !welcome?.webrtc) return undefined;
    const options = { ...(this.options.media || {}), ...rtc };
    const iceServers = options.iceServers ?? welcome.iceServers ?? [];
    return CallMedia.open({ ...options, iceServers }, this.audio);
  }

  /** An invitation waits: ring (unless a call is in progress, where a ringtone would drown it). */
  ring(call: Call, busy: boolean): void {
    if (busy) return;
    this.ringing.add(call);
    this.sounds.play('incoming');
  }

  /** An invitation stopped waiting: the ringtone stops with the last one. */
  settled(call: Call): void {
    if (!this.ringing.delete(call) || this.ringing.size > 0) return;
    this.sounds.stop('incoming');
  }

  /** Whether the ringtone plays now. */
  get isRinging(): boolean {
    return this.sounds.isPlaying('incoming');
  }

  play(name: SoundName): void {
    this.sounds.play(name);
  }

  destroy(): void {
    this.ringing.clear();
    this.sounds.destroy();
    this.audio._destroy();
  }
}
