/**
 * A client device on the simulated network: its party's transcript shows what the device heard,
 * and what the device does (keys, mute, hang-up) arrives through the bridge's signaling instead
 * of scripted inputs.
 */
import type { Clock } from '../../clock/clock.js';
import type { DeviceLeg, DeviceLegRequest } from '../../media/types.js';
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
    if (this.active) this.pressKeys(digits, []);
  }

  setMuted(muted: boolean): void {
    if (!this.active || muted === this.muted) return;
    this.muted = muted;
    this.party.note({ type: muted ? 'mic-muted' : 'mic-unmuted' });
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

  override async reject(reason: 'busy' | 'rejected'): Promise<void> {
    await super.reject(reason);
    this.ended_();
  }

  private ended_(): void {
    if (this.notified) return;
    this.notified = true;
    this.request.onEnded();
  }
}
