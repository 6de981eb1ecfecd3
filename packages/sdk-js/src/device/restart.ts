/**
 * ICE restart for a call's audio, so a call survives the device's network changing (Wi-Fi to
 * cellular, a new address after sleep). Triggers: the peer connection's ICE state `failed`, or
 * `disconnected` for longer than `disconnectedMs` (it often recovers by itself sooner), the
 * window's `online` event, and `negotiationneeded` (what `pc.restartIce()` fires). A restart
 * makes an offer with new ICE credentials, sends it to Patchbay (`renegotiate`) and applies the
 * answer; `reconnecting` before, `reconnected` once ICE connects again. One restart at a time; a
 * restart that fails (no signaling, refused past Patchbay's per-minute bound) is tried again
 * after `retryDelayMs` while ICE is still down, at most `maxAttempts` times per episode.
 *
 * @example
 * const stop = watchIceRestarts(pc, { offer, renegotiate, complete, reconnecting, reconnected, failed });
 * stop(); // when the call ends
 */
import { type DeviceClock, systemClock } from './clock.js';

/** The parts of an RTCPeerConnection this needs. */
export interface RestartablePeer {
  readonly iceConnectionState: string;
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
}

export interface RestartHooks {
  /** An offer with new ICE credentials, set as the local description. */
  offer(): Promise<string>;
  /** Sends the offer to Patchbay; resolves with its answer. */
  renegotiate(offer: string): Promise<string>;
  /** Applies Patchbay's answer. */
  complete(answer: string): Promise<void>;
  /** The call's audio is interrupted and a restart is under way. */
  reconnecting(): void;
  /** The call's audio flows again. */
  reconnected(): void;
  /** A restart attempt failed (the call keeps what it has; another attempt may follow). */
  failed(error: unknown): void;
}

export interface RestartOptions {
  /** How long ICE may stay `disconnected` before a restart. @default 2000 */
  readonly disconnectedMs?: number;
  /** Wait before trying again after a failed attempt while ICE is still down. @default 3000 */
  readonly retryDelayMs?: number;
  /** Attempts per episode of trouble. @default 5 */
  readonly maxAttempts?: number;
  /** Where `online` is heard. @default globalThis when it has addEventListener */
  readonly window?: {
    addEventListener(type: string, l: () => void): void;
    removeEventListener(type: string, l: () => void): void;
  };
  readonly clock?: DeviceClock;
}

const UP = new Set(['connected', 'completed']);

export function watchIceRestarts(pc: RestartablePeer, hooks: RestartHooks, options: RestartOptions = {}): () => void {
  const clock = options.clock ?? systemClock;
  const disconnectedMs = options.disconnectedMs ?? 2000;
  const retryDelayMs = options.retryDelayMs ?? 3000;
  const maxAttempts = options.maxAttempts ?? 5;
  const win =
    options.window ??
    (typeof (globalThis as { addEventListener?: unknown }).addEventListener === 'function'
      ? (globalThis as unknown as NonNullable<RestartOptions['window']>)
      : undefined);
  let stopped = false;
  let busy = false;
  let again = false;
  let interrupted = false;
  let attempts = 0;
  let cancelTimer: (() => void) | undefined;

  const later = (ms: number) => {
    cancelTimer?.();
    cancelTimer = clock.setTimeout(() => {
      cancelTimer = undefined;
      void restart();
    }, ms);
  };
  const settle = () => {
    cancelTimer?.();
    cancelTimer = undefined;
    attempts = 0;
    if (!interrupted) return;
    interrupted = false;
    hooks.reconnected();
  };

  async function restart(): Promise<void> {
    if (stopped) return;
    if (busy) {
      again = true;
      return;
    }
    if (attempts >= maxAttempts) return;
    attempts++;
    busy = true;
    if (!interrupted) {
      interrupted = true;
      hooks.reconnecting();
    }
    try {
      const answer = await hooks.renegotiate(await hooks.offer());
      if (stopped) return;
      await hooks.complete(answer);
    } catch (error) {
      if (stopped) return;
      hooks.failed(error);
      if (UP.has(pc.iceConnectionState)) settle();
      else later(retryDelayMs);
      return;
    } finally {
      busy = false;
    }
    if (again) {
      again = false;
      void restart();
    } else if (UP.has(pc.iceConnectionState)) settle();
  }

  const onState = () => {
    const state = pc.iceConnectionState;
    if (UP.has(state)) {
      if (!busy) settle();
    } else if (state === 'failed') void restart();
    else if (state === 'disconnected' && !cancelTimer && !busy) later(disconnectedMs);
  };
  const onNeeded = () => void restart();
  pc.addEventListener('iceconnectionstatechange', onState);
  pc.addEventListener('negotiationneeded', onNeeded);
  win?.addEventListener('online', onNeeded);
  return () => {
    stopped = true;
    cancelTimer?.();
    pc.removeEventListener('iceconnectionstatechange', onState);
    pc.removeEventListener('negotiationneeded', onNeeded);
    win?.removeEventListener('online', onNeeded);
  };
}
