/**
 * A call on a device: an invitation the device may accept, reject or ignore, or a call it
 * placed. Status follows the familiar states (pending, connecting, ringing, open, reconnecting,
 * closed); each change is an event.
 *
 * @example
 * device.on('incoming', (call) => {
 *   call.on('disconnect', () => console.log('call over'));
 *   void call.accept();
 * });
 */
import { EventEmitter } from 'eventemitter3';
import { DeviceError } from '../protocol/errors.js';
import type { ClientRequest } from '../protocol/messages.js';
import type { CallMedia, RtcConfiguration } from './media.js';
import { monitorCall } from './monitor.js';
import type { WarningData, WarningName } from './quality.js';
import { type SoundName, soundOfKey } from './sounds.js';

export type CallStatus = 'pending' | 'connecting' | 'ringing' | 'open' | 'reconnecting' | 'closed';

export interface CallEvents {
  /** The call is connected (an incoming call bridged after accept, a placed call answered). */
  accept: (call: Call) => void;
  /** The invitation was withdrawn before this device accepted (answered elsewhere, the caller hung up, timed out). */
  cancel: (reason: CancelReason) => void;
  /** The call ended. */
  disconnect: (call: Call) => void;
  /** This device rejected the invitation. */
  reject: () => void;
  /** The far end is ringing (placed calls). */
  ringing: (hasEarlyMedia: boolean) => void;
  mute: (isMuted: boolean, call: Call) => void;
  error: (error: DeviceError) => void;
  /**
   * The device lost its connection (ConnectionError), or the call's audio path did and ICE is
   * restarting (MediaConnectionFailed, e.g. the network changed); the call continues if it comes
   * back in time.
   */
  reconnecting: (error: DeviceError) => void;
  reconnected: () => void;
  /** About every 50 ms while the call has audio: microphone and far-end volume, 0 to 1 (-100 to -30 dBFS). */
  volume: (inputVolume: number, outputVolume: number) => void;
  /** A quality problem began (`high-rtt`, `high-packet-loss`, `constant-audio-input-level`, ...: see quality.ts). */
  warning: (name: WarningName, data: WarningData) => void;
  /** A quality problem is over. */
  'warning-cleared': (name: WarningName) => void;
}

export type CancelReason = 'canceled' | 'answered-elsewhere' | 'rejected-elsewhere' | 'no-answer' | 'unregistered';

type RequestBody<T extends ClientRequest['type']> = Omit<Extract<ClientRequest, { type: T }>, 'type' | 'id'>;

/** What a call needs from its device. */
export interface CallLink {
  request<T extends ClientRequest['type']>(type: T, body: RequestBody<T>): Promise<{ callSid?: string; sdp?: string }>;
  /** Audio for a call, where the browser and the server carry WebRTC (undefined: no audio). */
  media(rtcConfiguration?: RtcConfiguration): Promise<CallMedia | undefined>;
  /** The call is over: the device forgets it. */
  closed(call: Call): void;
  /** The invitation stopped waiting for an answer (accepted, rejected, ignored, withdrawn): stop ringing. */
  settled(call: Call): void;
  /** Plays one of the device's sounds. */
  sound(name: SoundName): void;
}

export class Call extends EventEmitter<CallEvents> {
  static readonly Direction = { Incoming: 'INCOMING', Outgoing: 'OUTGOING' } as const;

  private state: CallStatus;
  private muted = false;
  private sid: string | undefined;
  /** The call's audio, when it has some (a browser with WebRTC, a server that carries it). */
  private audio: CallMedia | undefined;
  /** Stops the volume and quality monitor of an open call. */
  private stopMonitor: (() => void) | undefined;
  /** What is interrupted now: the device's connection, the call's audio path (ICE). */
  private readonly down = { link: false, media: false };
  private stopRestarts: (() => void) | undefined;

  constructor(
    private readonly link: CallLink,
    readonly direction: 'INCOMING' | 'OUTGOING',
    /** The call's parameters: CallSid, From, To, AccountSid, ApiVersion (incoming), or those you passed (outgoing). */
    readonly parameters: Readonly<Record<string, string>>,
    /** `<Parameter>` values from `<Client>` (incoming), or the params given to `connect` (outgoing). */
    readonly customParameters: ReadonlyMap<string, string>,
    private readonly callToken?: string,
    /** Patchbay's offer, from the invitation. */
    private readonly offer?: string,
  ) {
    super();
    this.state = direction === 'INCOMING' ? 'pending' : 'connecting';
    this.sid = parameters.CallSid;
  }

  /** The call's SID (known once the server has it, for placed calls). */
  get callSid(): string | undefined {
    return this.sid;
  }

  status(): CallStatus {
    return this.state;
  }

  isMuted(): boolean {
    return this.muted;
  }

  /** Accepts an invitation; resolves once this device is bridged in, rejects (CallCancelled, ...) if it cannot be. */
  async accept(options: { rtcConfiguration?: RtcConfiguration } = {}): Promise<void> {
    if (this.direction !== 'INCOMING' || !this.callToken)
      throw new DeviceError('GeneralError', 'only invitations are accepted');
    if (this.state === 'closed') throw new DeviceError('CallCancelled', 'the invitation is over');
    if (this.state !== 'pending') throw new DeviceError('GeneralError', `cannot accept a call that is ${this.state}`);
    this.state = 'connecting';
    this.link.settled(this);
    try {
      let sdp: string | undefined;
      if (this.offer) {
        this.audio = await this.link.media(options.rtcConfiguration);
        sdp = await this.audio?.answer(this.offer);
      }
      await this.link.request('accept', { callToken: this.callToken, ...(sdp ? { sdp } : {}) });
    } catch (error) {
      const failure =
        error instanceof DeviceError
          ? error
          : new DeviceError('GeneralError', `no audio for the call: ${String(error)}`);
      this.closeWith(() => this.emit('error', failure));
      throw failure;
    }
  }

  /** The far end's audio, while the call has some (for a level meter, or your own audio element). */
  get remoteStream(): unknown {
    return this.audio?.remoteStream;
  }

  /** The far end's audio as a `MediaStream`, as the hosted browser SDK names it (undefined: no audio). */
  getRemoteStream(): unknown {
    return this.audio?.remoteStream;
  }

  /** The microphone's audio sent on this call, as the hosted browser SDK names it (undefined: no audio). */
  getLocalStream(): unknown {
    return this.audio?.localStream;
  }

  /** @internal A placed call's audio: offers, then takes Patchbay's answer. */
  async _offer(rtcConfiguration?: RtcConfiguration): Promise<string | undefined> {
    this.audio = await this.link.media(rtcConfiguration);
    return this.audio?.offer();
  }

  /** @internal */
  async _answered(sdp: string | undefined): Promise<void> {
    if (!this.audio) return;
    if (sdp) await this.audio.complete(sdp);
    else {
      // the server carries no audio for this call after all
      this.audio.close();
      this.audio = undefined;
    }
  }

  /** Declines the invitation: the caller hears busy; other devices of the identity stop ringing. */
  async reject(): Promise<void> {
    if (this.direction !== 'INCOMING' || this.state !== 'pending' || !this.callToken) return;
    this.closeWith(() => this.emit('reject'));
    await this.link.request('reject', { callToken: this.callToken }).catch((error: DeviceError) => {
      if (error.errorName !== 'CallCancelled') throw error;
    });
  }

  /** Stops ringing here without telling the server: the call keeps ringing elsewhere. */
  ignore(): void {
    if (this.state === 'pending') this.closeWith(() => {});
  }

  /** Hangs up (a pending invitation is rejected instead). */
  disconnect(): void {
    if (this.state === 'pending') {
      void this.reject().catch(() => {});
      return;
    }
    if (this.state === 'closed' || !this.sid) return;
    const sid = this.sid;
    this.closeWith(() => this.emit('disconnect', this));
    void this.link.request('hangup', { callSid: sid }).catch(() => {});
  }

  /** Mutes or unmutes this device's microphone. */
  mute(shouldMute = true): void {
    if (shouldMute === this.muted || this.state === 'closed') return;
    this.muted = shouldMute;
    this.audio?.setMuted(shouldMute);
    this.emit('mute', shouldMute, this);
    if (this.sid)
      void this.link.request('mute', { callSid: this.sid, muted: shouldMute }).catch((error: DeviceError) => {
        this.emit('error', error);
      });
  }

  /** Sends DTMF (0-9, *, #, A-D; `w` waits half a second): a Gather on the far side hears them. */
  sendDigits(digits: string): void {
    if (!/^[0-9*#A-Dw]+$/.test(digits)) throw new DeviceError('MalformedRequest', 'digits must be 0-9, *, #, A-D or w');
    if (this.state !== 'open' || !this.sid) throw new DeviceError('GeneralError', 'the call is not open');
    // a key pressed on a keypad is heard; a string sent at once would sound as a chord
    const key = digits.length === 1 ? soundOfKey(digits) : undefined;
    if (key) this.link.sound(key);
    // RFC 4733 in the audio reaches Gather; sending them by signaling too would count them twice
    if (this.audio?.sendDigits(digits)) return;
    void this.link.request('digits', { callSid: this.sid, digits }).catch((error: DeviceError) => {
      this.emit('error', error);
    });
  }

  // ---- driven by the device ----

  /** @internal */
  _placed(callSid: string): void {
    this.sid = callSid;
    (this.parameters as Record<string, string>).CallSid = callSid;
  }

  /** @internal */
  _state(state: 'ringing' | 'open' | 'closed'): void {
    if (this.state === 'closed') return;
    if (state === 'ringing') {
      this.state = 'ringing';
      this.emit('ringing', false);
    } else if (state === 'open') {
      if (this.state === 'open') return;
      this.state = 'open';
      this.watchRestarts();
      if (this.muted && this.sid) void this.link.request('mute', { callSid: this.sid, muted: true }).catch(() => {});
      this.startMonitor();
      this.emit('accept', this);
    } else {
      this.closeWith(() => this.emit('disconnect', this));
    }
  }

  /** @internal */
  _cancel(reason: CancelReason): void {
    if (this.state === 'closed') return;
    if (this.state === 'pending' || this.state === 'connecting') this.closeWith(() => this.emit('cancel', reason));
  }

  /** @internal */
  _connection(up: boolean, error?: DeviceError): void {
    this.interrupted('link', !up, error ?? new DeviceError('ConnectionError', 'connection lost'));
  }

  /** `reconnecting` when the connection or the audio path goes down, `reconnected` once both are back. */
  private interrupted(what: 'link' | 'media', down: boolean, error: DeviceError): void {
    if (this.state === 'closed') return;
    this.down[what] = down;
    const any = this.down.link || this.down.media;
    if (any && this.state === 'open') {
      this.state = 'reconnecting';
      this.emit('reconnecting', error);
    } else if (!any && this.state === 'reconnecting') {
      this.state = 'open';
      this.emit('reconnected');
    }
  }

  /** ICE restarts (restart.ts) while the call has audio: its network may change under it. */
  private watchRestarts(): void {
    const audio = this.audio;
    if (!audio || this.stopRestarts) return;
    const lost = new DeviceError('MediaConnectionFailed', "the call's audio connection was lost; restarting ICE");
    this.stopRestarts = audio.watchRestarts({
      renegotiate: async (sdp) => {
        if (!this.sid) throw new DeviceError('GeneralError', 'the call has no SID yet');
        const result = await this.link.request('renegotiate', { callSid: this.sid, sdp });
        if (!result.sdp) throw new DeviceError('GeneralError', 'the server sent no answer');
        return result.sdp;
      },
      reconnecting: () => this.interrupted('media', true, lost),
      reconnected: () => this.interrupted('media', false, lost),
      // the call stays `reconnecting` while attempts go on (bounded); the server ends it if none works
      failed: () => undefined,
    });
  }

  /** @internal The call is gone: closed with its disconnect (or the given) event. */
  _lost(error: DeviceError): void {
    if (this.state === 'closed') return;
    this.closeWith(() => {
      this.emit('error', error);
      if (this.sid) this.emit('disconnect', this);
    });
  }

  private closeWith(emit: () => void): void {
    const was = this.state;
    this.state = 'closed';
    this.stopMonitor?.();
    this.stopMonitor = undefined;
    this.stopRestarts?.();
    this.audio?.close();
    this.audio = undefined;
    if (was === 'open' || was === 'reconnecting') this.link.sound('disconnect');
    emit();
    this.link.settled(this);
    this.link.closed(this);
  }

  private startMonitor(): void {
    if (!this.audio || this.stopMonitor) return;
    this.stopMonitor = monitorCall(this.audio, {
      volume: (input, output) => this.emit('volume', input, output),
      warning: (name, data) => this.emit('warning', name, data),
      cleared: (name) => this.emit('warning-cleared', name),
      muted: () => this.muted,
    });
  }
}
