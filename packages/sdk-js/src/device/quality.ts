/**
 * Call quality warnings, decided from one statistics sample a second with the hosted browser
 * SDK's names and default thresholds, so apps written for it show the same hints:
 *
 * | warning | raised when | cleared when |
 * |---|---|---|
 * | `high-rtt` | round trip > 400 ms in 3 of the last 5 samples | none of the 5 |
 * | `high-jitter` | jitter > 30 ms in 3 of 5 | none of 5 |
 * | `low-mos` | estimated MOS < 3.0 in 3 of 5 | none of 5 |
 * | `high-packet-loss` | > 1 % of packets lost in 3 of 5 | none of 5 |
 * | `high-packets-lost-fraction` | average loss > 3 % over 7 samples | average ≤ 1 % |
 * | `low-bytes-received` / `low-bytes-sent` | nothing received / sent for 3 samples | something in one of them |
 * | `constant-audio-input-level` / `-output-level` | the level's standard deviation over 10 s < 1 % of its range (not while muted) | it varies again |
 *
 * A warning clears no sooner than 5 s after it was raised, and none is raised in the first 5 s
 * of a call (its start is choppy). Pure: the caller brings the samples and the time.
 *
 * @example
 * let state = initialQuality(now);
 * const { state: next, raised, cleared } = assess(state, totals, volumes, muted, now);
 */

export type WarningName =
  | 'high-rtt'
  | 'high-jitter'
  | 'low-mos'
  | 'high-packet-loss'
  | 'high-packets-lost-fraction'
  | 'low-bytes-received'
  | 'low-bytes-sent'
  | 'constant-audio-input-level'
  | 'constant-audio-output-level';

/** Running totals read from `getStats()` (see stats.ts). Times in ms. */
export interface StatsTotals {
  readonly packetsSent: number;
  readonly packetsReceived: number;
  readonly packetsLost: number;
  readonly bytesSent: number;
  readonly bytesReceived: number;
  readonly jitterMs?: number | undefined;
  readonly rttMs?: number | undefined;
}

/** One second of a call, as the rules see it. */
export interface QualitySample {
  readonly rtt: number | undefined;
  readonly jitter: number | undefined;
  readonly mos: number | undefined;
  /** Percent of the packets due this second that were lost. */
  readonly packetsLostFraction: number;
  readonly bytesSent: number;
  readonly bytesReceived: number;
  /** The volume readings (0..1) of this second. */
  readonly inputLevels: readonly number[];
  readonly outputLevels: readonly number[];
  readonly muted: boolean;
}

export interface QualityState {
  readonly startedAt: number;
  readonly totals: StatsTotals | undefined;
  /** The latest samples, newest last (at most 10). */
  readonly samples: readonly QualitySample[];
  /** Raised warnings and when. */
  readonly active: ReadonlyMap<WarningName, number>;
}

/** The hosted SDK's defaults. */
export const THRESHOLDS = {
  rttMs: 400,
  jitterMs: 30,
  mos: 3,
  packetLossPercent: 1,
  averageLossPercent: 3,
  averageLossClearPercent: 1,
  /** Of the volume's range: 327.67 on the hosted SDK's 0..32767 scale. */
  levelDeviation: 0.01,
  warmupMs: 5000,
  holdMs: 5000,
} as const;

/** What a warning is about, as the hosted SDK's second `warning` argument names it. */
export interface WarningData {
  /** The statistic (the hosted SDK's names: `rtt`, `jitter`, `mos`, `packetsLostFraction`, ...). */
  readonly name: string;
  readonly threshold: { readonly name: 'max' | 'min' | 'maxAverage' | 'minStandardDeviation'; readonly value: number };
}

export const WARNING_DATA: Readonly<Record<WarningName, WarningData>> = {
  'high-rtt': { name: 'rtt', threshold: { name: 'max', value: THRESHOLDS.rttMs } },
  'high-jitter': { name: 'jitter', threshold: { name: 'max', value: THRESHOLDS.jitterMs } },
  'low-mos': { name: 'mos', threshold: { name: 'min', value: THRESHOLDS.mos } },
  'high-packet-loss': { name: 'packetsLostFraction', threshold: { name: 'max', value: THRESHOLDS.packetLossPercent } },
  'high-packets-lost-fraction': {
    name: 'packetsLostFraction',
    threshold: { name: 'maxAverage', value: THRESHOLDS.averageLossPercent },
  },
  'low-bytes-received': { name: 'bytesReceived', threshold: { name: 'min', value: 1 } },
  'low-bytes-sent': { name: 'bytesSent', threshold: { name: 'min', value: 1 } },
  // the hosted SDK's scale for levels is 0..32767
  'constant-audio-input-level': {
    name: 'audioInputLevel',
    threshold: { name: 'minStandardDeviation', value: THRESHOLDS.levelDeviation * 32767 },
  },
  'constant-audio-output-level': {
    name: 'audioOutputLevel',
    threshold: { name: 'minStandardDeviation', value: THRESHOLDS.levelDeviation * 32767 },
  },
};

const WINDOW = 5;
const RAISE_COUNT = 3;
const LOSS_WINDOW = 7;
const BYTES_WINDOW = 3;
const LEVEL_WINDOW = 10;

export function initialQuality(now: number): QualityState {
  return { startedAt: now, totals: undefined, samples: [], active: new Map() };
}

/**
 * Mean opinion score (1 to about 4.5) from the ITU-T G.107 E-model, simplified as VoIP monitors
 * commonly do: delay from the round trip plus twice the jitter, loss in percent.
 */
export function mos(rttMs: number, jitterMs: number, lossPercent: number): number {
  const latency = rttMs + 2 * jitterMs + 10;
  let r = latency < 160 ? 94.768 - latency / 40 : latency < 1000 ? 94.768 - (latency - 120) / 10 : 0;
  r = lossPercent <= r / 2.5 ? Math.max(r - 2.5 * lossPercent, 6.52) : 0;
  return 1 + 0.035 * r + 0.000007 * r * (r - 60) * (100 - r);
}

/** The second between two readings of the totals. */
export function sampleOf(
  totals: StatsTotals,
  previous: StatsTotals | undefined,
  levels: { readonly input: readonly number[]; readonly output: readonly number[] },
  muted: boolean,
): QualitySample {
  const delta = (key: 'packetsReceived' | 'packetsLost' | 'bytesSent' | 'bytesReceived') =>
    totals[key] - (previous?.[key] ?? 0);
  const due = delta('packetsReceived') + delta('packetsLost');
  const lost = due > 0 ? (Math.max(0, delta('packetsLost')) / due) * 100 : 0;
  const rtt = totals.rttMs;
  const jitter = totals.jitterMs;
  return {
    rtt,
    jitter,
    mos: rtt !== undefined && jitter !== undefined && previous ? mos(rtt, jitter, lost) : undefined,
    packetsLostFraction: lost,
    bytesSent: delta('bytesSent'),
    bytesReceived: delta('bytesReceived'),
    inputLevels: levels.input,
    outputLevels: levels.output,
    muted,
  };
}

function deviation(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
}

type Verdict = 'raise' | 'clear' | 'keep';

/** Counts of the last `window` samples past a limit: raise at 3, clear at `clearAt` or fewer. */
function counted(
  samples: readonly QualitySample[],
  window: number,
  value: (s: QualitySample) => number | undefined,
  bad: (v: number) => boolean,
  clearAt = 0,
): Verdict {
  const values = samples.slice(-window).map(value);
  if (values.some((v) => v === undefined)) return 'keep';
  const count = (values as number[]).filter(bad).length;
  return count >= RAISE_COUNT ? 'raise' : count <= clearAt ? 'clear' : 'keep';
}

function averageLoss(samples: readonly QualitySample[]): Verdict {
  if (samples.length < LOSS_WINDOW) return 'keep';
  const values = samples.slice(-LOSS_WINDOW).map((s) => s.packetsLostFraction);
  const average = values.reduce((a, b) => a + b, 0) / values.length;
  return average > THRESHOLDS.averageLossPercent
    ? 'raise'
    : average <= THRESHOLDS.averageLossClearPercent
      ? 'clear'
      : 'keep';
}

function constantLevel(samples: readonly QualitySample[], which: 'inputLevels' | 'outputLevels'): Verdict {
  if (samples.length < LEVEL_WINDOW) return 'keep';
  const window = samples.slice(-LEVEL_WINDOW);
  // a muted microphone is silent on purpose
  if (which === 'inputLevels' && window.some((s) => s.muted)) return 'clear';
  const spread = deviation(window.flatMap((s) => s[which]));
  if (spread === undefined) return 'keep';
  return spread < THRESHOLDS.levelDeviation ? 'raise' : 'clear';
}

/** Nothing sent or received in each of the last 3 seconds; cleared by one second with something. */
function silent(samples: readonly QualitySample[], key: 'bytesSent' | 'bytesReceived'): Verdict {
  if (samples.length < BYTES_WINDOW) return 'keep';
  return counted(
    samples,
    BYTES_WINDOW,
    (s) => s[key],
    (v) => v < 1,
    BYTES_WINDOW - 1,
  );
}

function verdicts(samples: readonly QualitySample[]): Record<WarningName, Verdict> {
  return {
    'high-rtt': counted(
      samples,
      WINDOW,
      (s) => s.rtt,
      (v) => v > THRESHOLDS.rttMs,
    ),
    'high-jitter': counted(
      samples,
      WINDOW,
      (s) => s.jitter,
      (v) => v > THRESHOLDS.jitterMs,
    ),
    'low-mos': counted(
      samples,
      WINDOW,
      (s) => s.mos,
      (v) => v < THRESHOLDS.mos,
    ),
    'high-packet-loss': counted(
      samples,
      WINDOW,
      (s) => s.packetsLostFraction,
      (v) => v > THRESHOLDS.packetLossPercent,
    ),
    'high-packets-lost-fraction': averageLoss(samples),
    'low-bytes-received': silent(samples, 'bytesReceived'),
    'low-bytes-sent': silent(samples, 'bytesSent'),
    'constant-audio-input-level': constantLevel(samples, 'inputLevels'),
    'constant-audio-output-level': constantLevel(samples, 'outputLevels'),
  };
}

/** Takes one second's totals and volume readings: the next state and the warnings raised and cleared. */
export function assess(
  state: QualityState,
  totals: StatsTotals,
  levels: { readonly input: readonly number[]; readonly output: readonly number[] },
  muted: boolean,
  now: number,
): { state: QualityState; raised: WarningName[]; cleared: WarningName[] } {
  const sample = sampleOf(totals, state.totals, levels, muted);
  const samples = [...state.samples, sample].slice(-LEVEL_WINDOW);
  const active = new Map(state.active);
  const raised: WarningName[] = [];
  const cleared: WarningName[] = [];
  // the first reading has no second before it: its deltas are the call so far
  const judged = state.totals ? samples : [];
  const warm = now - state.startedAt >= THRESHOLDS.warmupMs;
  for (const [name, verdict] of Object.entries(verdicts(judged)) as Array<[WarningName, Verdict]>) {
    const since = active.get(name);
    if (verdict === 'raise' && since === undefined && warm) {
      active.set(name, now);
      raised.push(name);
    } else if (verdict === 'clear' && since !== undefined && now - since >= THRESHOLDS.holdMs) {
      active.delete(name);
      cleared.push(name);
    }
  }
  return {
    state: { startedAt: state.startedAt, totals, samples: state.totals ? samples : [], active },
    raised,
    cleared,
  };
}
