import { describe, expect, it } from 'vitest';
import {
  assess,
  initialQuality,
  mos,
  type QualityState,
  type StatsTotals,
  WARNING_DATA,
  type WarningName,
} from './quality.js';

/** One second of a healthy call: 50 packets each way, 160 bytes each, a little jitter. */
interface Second {
  lost?: number;
  received?: number;
  sent?: number;
  rttMs?: number;
  jitterMs?: number;
  input?: number[];
  output?: number[];
  muted?: boolean;
}

/** Feeds seconds to `assess` from t=0, one a second; returns what was raised and cleared, and when. */
function run(seconds: Second[], start: QualityState = initialQuality(0)) {
  let state = start;
  let totals: StatsTotals = { packetsSent: 0, packetsReceived: 0, packetsLost: 0, bytesSent: 0, bytesReceived: 0 };
  const events: Array<{ at: number; raised?: WarningName; cleared?: WarningName }> = [];
  seconds.forEach((second, i) => {
    const received = second.received ?? 50;
    const sent = second.sent ?? 50;
    totals = {
      packetsSent: totals.packetsSent + sent,
      packetsReceived: totals.packetsReceived + received,
      packetsLost: totals.packetsLost + (second.lost ?? 0),
      bytesSent: totals.bytesSent + sent * 160,
      bytesReceived: totals.bytesReceived + received * 160,
      jitterMs: second.jitterMs ?? 5,
      rttMs: second.rttMs ?? 20,
    };
    const now = (i + 1) * 1000;
    // a speaking person: volume readings that vary
    const voice = [0.2, 0.5, 0.3, 0.6, 0.1];
    const next = assess(
      state,
      totals,
      { input: second.input ?? voice, output: second.output ?? voice },
      !!second.muted,
      now,
    );
    state = next.state;
    for (const name of next.raised) events.push({ at: now, raised: name });
    for (const name of next.cleared) events.push({ at: now, cleared: name });
  });
  return { events, state };
}

const healthy = (n: number): Second[] => Array.from({ length: n }, () => ({}));

describe('call quality warnings (the hosted SDK names and thresholds)', () => {
  it('a healthy call raises nothing', () => {
    expect(run(healthy(60)).events).toEqual([]);
  });

  it('high-rtt after 3 of 5 samples over 400 ms, cleared once none of 5 is, no sooner than 5 s after', () => {
    const { events } = run([...healthy(6), ...Array.from({ length: 3 }, () => ({ rttMs: 450 })), ...healthy(10)]);
    expect(events).toEqual([
      { at: 9000, raised: 'high-rtt' },
      { at: 14_000, cleared: 'high-rtt' },
    ]);
  });

  it('two bad samples of five are not enough', () => {
    const { events } = run([...healthy(6), { rttMs: 900 }, {}, { rttMs: 900 }, ...healthy(6)]);
    expect(events.filter((e) => e.raised === 'high-rtt')).toEqual([]);
  });

  it('high-jitter over 30 ms; low-mos when the delay makes the estimate fall under 3', () => {
    const jitter = run([...healthy(6), ...Array.from({ length: 3 }, () => ({ jitterMs: 45 }))]).events;
    expect(jitter).toEqual([{ at: 9000, raised: 'high-jitter' }]);
    const slow = run([...healthy(6), ...Array.from({ length: 3 }, () => ({ rttMs: 700, jitterMs: 20 }))]).events;
    expect(slow.map((e) => e.raised).sort()).toEqual(['high-rtt', 'low-mos']);
  });

  it('high-packet-loss over 1 % in 3 of 5; high-packets-lost-fraction when 7 samples average over 3 %', () => {
    const some = run([...healthy(6), ...Array.from({ length: 3 }, () => ({ lost: 1, received: 49 }))]).events;
    expect(some).toEqual([{ at: 9000, raised: 'high-packet-loss' }]);
    const much = run([...healthy(6), ...Array.from({ length: 7 }, () => ({ lost: 5, received: 45 }))]).events;
    expect(much.map((e) => e.raised)).toContain('high-packets-lost-fraction');
    // three seconds at 10 % bring the 7-second average to 4.3 %
    expect(much.find((e) => e.raised === 'high-packets-lost-fraction')?.at).toBe(9000);
    const little = run([...healthy(6), ...Array.from({ length: 7 }, () => ({ lost: 1, received: 99 }))]).events;
    expect(little.map((e) => e.raised)).toEqual([]);
  });

  it('low-bytes-received after 3 seconds with nothing, cleared by the first second with audio', () => {
    const { events } = run([...healthy(6), ...Array.from({ length: 6 }, () => ({ received: 0 })), ...healthy(2)]);
    expect(events).toEqual([
      { at: 9000, raised: 'low-bytes-received' },
      // audio is back at 13 s, but a warning holds for 5 s
      { at: 14_000, cleared: 'low-bytes-received' },
    ]);
  });

  it('constant-audio-input-level: a silent microphone for 10 s, not while muted; cleared when it speaks', () => {
    const silent = Array.from({ length: 12 }, () => ({ input: [0, 0, 0, 0] }));
    const { events } = run([...silent, ...healthy(12)]);
    expect(events).toEqual([
      { at: 11_000, raised: 'constant-audio-input-level' },
      // speech from 13 s makes the level vary; the warning holds for 5 s after it was raised
      { at: 16_000, cleared: 'constant-audio-input-level' },
    ]);
    const muted = run(Array.from({ length: 15 }, () => ({ input: [0, 0], muted: true }))).events;
    expect(muted).toEqual([]);
  });

  it('constant-audio-output-level when the far end is silent', () => {
    const { events } = run(Array.from({ length: 12 }, () => ({ output: [0.01, 0.01] })));
    expect(events).toEqual([{ at: 11_000, raised: 'constant-audio-output-level' }]);
  });

  it('nothing is raised in the first 5 s of a call', () => {
    const { events } = run(Array.from({ length: 4 }, () => ({ rttMs: 900 })));
    expect(events).toEqual([]);
  });

  it("says what each warning is about as the hosted SDK's second argument does", () => {
    expect(WARNING_DATA['high-rtt']).toEqual({ name: 'rtt', threshold: { name: 'max', value: 400 } });
    expect(WARNING_DATA['high-packets-lost-fraction']).toEqual({
      name: 'packetsLostFraction',
      threshold: { name: 'maxAverage', value: 3 },
    });
    expect(WARNING_DATA['constant-audio-input-level'].threshold.value).toBeCloseTo(327.67, 2);
  });

  it('MOS: about 4.4 on a clean line, falling with delay and loss', () => {
    expect(mos(20, 5, 0)).toBeCloseTo(4.41, 1);
    expect(mos(400, 30, 0)).toBeLessThan(3.7);
    expect(mos(20, 5, 10)).toBeLessThan(mos(20, 5, 1));
    expect(mos(2000, 0, 0)).toBeCloseTo(1, 3);
  });
});
