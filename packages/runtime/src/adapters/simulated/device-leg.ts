/**
 * A client device on the simulated network: its party's transcript shows what the device heard,
 * and what the device does (keys, mute, hang-up) arrives through the bridge's signaling instead
 * of scripted inputs.
 */
import type { Clock } from '../../clock/clock.js';
import type { DeviceLeg, DeviceLegRequest, RecordOptions, RecordResult } from '../../media/types.js';
import { silentWav } from '../../media/wav.js';
import { SimulatedLeg, type Timing } from './leg.js';
import type { Party } from './party.js';

export class SimulatedDeviceLeg extends SimulatedLeg implements DeviceLeg {
  private muted = false;
  private notified = false;
  private answered = false;

  constructor(
    id: string,
    party: Party,
    clock: Clock,
    timing: Timing,
    private readonly request: DeviceLegRequest,
  ) {
    super(id, party, clock, timing);
  }

  press(digits: string): void {
    if (this.active) this.perform({ kind: 'digits', digits });
  }

  setMuted(muted: boolean): void {
    if (!this.active || muted === this.muted) return;
    this.muted = muted;
    this.party.note({ type: muted ? 'mic-muted' : 'mic-unmuted' });
  }

  /**
   * The simulated network cannot tell a device's speech from silence, so an open microphone
   * counts as speaking: a recording of an unmuted device is never empty, even when its finish key
   * comes in the same millisecond (a muted one records silence and may be).
   */
  override async record(options: RecordOptions, signal: AbortSignal): Promise<RecordResult> {
    const result = await super.record(options, signal);
    if (this.muted || result.durationMs > 0) return result;
    return { ...result, durationMs: 1, audio: silentWav(1) };
  }

  override async answer(): Promise<void> {
    if (!this.active || this.answered) return;
    this.answered = true;
    await super.answer();
    this.request.onAnswered();
  }

  override remoteHangup(): void {
    super.remoteHangup();
    this.ended_();
  }

  override async hangup(): Promise<void> {
    await super.hangup();
    this.ended_();
  }

  override async reject(reason: 'busy' | 'rejected' | 'not-found'): Promise<void> {
    await super.reject(reason);
    this.ended_();
  }

  private ended_(): void {
    if (this.notified) return;
    this.notified = true;
    this.request.onEnded();
  }
}
