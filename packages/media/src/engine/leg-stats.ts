/**
 * A leg's counters in a SharedArrayBuffer: the worker writes them once per frame, the main thread
 * reads them synchronously (`leg.stats()`), so asking for stats costs no message round trip.
 *
 * @example
 * const shared = newLegStatsBuffer();           // main thread, sent with openLeg
 * view[STAT.packetsIn] = n;                    // worker, every frame
 * readLegStats(new Float64Array(shared));       // main thread, any time
 */
import type { LegStats } from './messages.js';

const FIELDS = 10;

export function newLegStatsBuffer(): SharedArrayBuffer {
  return new SharedArrayBuffer(FIELDS * Float64Array.BYTES_PER_ELEMENT);
}

/** Slots in the shared view. */
export const STAT = {
  packetsIn: 0,
  packetsOut: 1,
  lost: 2,
  jitterMs: 3,
  dropped: 4,
  late: 5,
  hasRemoteReport: 6,
  remoteFractionLost: 7,
  remoteCumulativeLost: 8,
  remoteJitter: 9,
} as const;

export function readLegStats(view: Float64Array): LegStats {
  const at = (i: number) => view[i] ?? 0;
  const base = {
    packetsIn: at(STAT.packetsIn),
    packetsOut: at(STAT.packetsOut),
    lost: at(STAT.lost),
    jitterMs: at(STAT.jitterMs),
    dropped: at(STAT.dropped),
    late: at(STAT.late),
  };
  if (!at(STAT.hasRemoteReport)) return base;
  const remoteReport = {
    fractionLost: at(STAT.remoteFractionLost),
    cumulativeLost: at(STAT.remoteCumulativeLost),
    jitter: at(STAT.remoteJitter),
  };
  return { ...base, remoteReport };
}
