/**
 * How long media takes on the simulated network: words spoken, audio played, beeps and keys, and
 * how soon a party answers a prompt. REALISTIC_TIMING for a server people call; INSTANT_TIMING
 * for tests, where a whole call then takes no time on the clock.
 *
 * @example
 * const network = new SimulatedNetwork({ clock, timing: INSTANT_TIMING });
 */
/** How long simulated media takes. */
export interface Timing {
  readonly msPerWord: number;
  /** Length of any played audio file. */
  readonly audioMs: number;
  readonly beepMs: number;
  /** Per DTMF digit, pressed or played. */
  readonly digitMs: number;
  /** Default delay before a party answers a prompt. */
  readonly inputDelayMs: number;
}

export const REALISTIC_TIMING: Timing = { msPerWord: 300, audioMs: 3000, beepMs: 300, digitMs: 150, inputDelayMs: 500 };
export const INSTANT_TIMING: Timing = { msPerWord: 0, audioMs: 0, beepMs: 0, digitMs: 0, inputDelayMs: 0 };
