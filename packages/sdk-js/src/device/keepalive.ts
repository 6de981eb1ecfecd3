/**
 * A connection's heartbeat: a ping every `heartbeatMs` and a watchdog that calls the connection
 * lost when nothing was heard for two and a half beats (a half-open socket, a proxy that went
 * quiet). The connection tells it whenever anything arrives (`heard`).
 */
import type { DeviceClock } from './clock.js';

export class KeepAlive {
  private cancelBeat: (() => void) | undefined;
  private cancelWatch: (() => void) | undefined;
  private lastHeard = 0;

  constructor(private readonly clock: DeviceClock) {}

  heard(): void {
    this.lastHeard = this.clock.now();
  }

  /** Pings every beat; `silent` once the server has said nothing for 2.5 beats (then it stops). */
  start(heartbeatMs: number, ping: () => void, silent: () => void): void {
    this.stop();
    const beat = () => {
      ping();
      this.cancelBeat = this.clock.setTimeout(beat, heartbeatMs);
    };
    this.cancelBeat = this.clock.setTimeout(beat, heartbeatMs);
    const watch = () => {
      if (this.clock.now() - this.lastHeard > heartbeatMs * 2.5) {
        this.stop();
        silent();
        return;
      }
      this.cancelWatch = this.clock.setTimeout(watch, heartbeatMs);
    };
    this.cancelWatch = this.clock.setTimeout(watch, heartbeatMs);
  }

  stop(): void {
    this.cancelBeat?.();
    this.cancelWatch?.();
    this.cancelBeat = undefined;
    this.cancelWatch = undefined;
  }
}

/** The wait before reconnect attempt `attempt` (0, 1, ...): exponential, capped, full jitter. */
export function reconnectDelay(attempt: number, baseMs = 250, maxMs = 15_000): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** attempt);
  // Full jitter: a restarted server is not hit by every device at the same instant.
  return ceiling / 2 + Math.random() * (ceiling / 2);
}
