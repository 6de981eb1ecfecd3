import { describe, expect, it } from 'vitest';
import { DeviceError } from '../protocol/errors.js';
import type { DeviceClock } from './clock.js';
import { type RestartHooks, watchIceRestarts } from './restart.js';

/** A peer connection reduced to its ICE state and events. */
class FakePeer {
  iceConnectionState = 'connected';
  readonly listeners = new Map<string, Set<() => void>>();
  addEventListener(type: string, l: () => void) {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type)?.add(l);
  }
  removeEventListener(type: string, l: () => void) {
    this.listeners.get(type)?.delete(l);
  }
  fire(type: string) {
    for (const l of this.listeners.get(type) ?? []) l();
  }
  ice(state: string) {
    this.iceConnectionState = state;
    this.fire('iceconnectionstatechange');
  }
  get count() {
    return [...this.listeners.values()].reduce((n, s) => n + s.size, 0);
  }
}

class Clock implements DeviceClock {
  time = 0;
  timers: { at: number; fn: () => void; live: boolean }[] = [];
  now = () => this.time;
  setTimeout(fn: () => void, ms: number) {
    const t = { at: this.time + ms, fn, live: true };
    this.timers.push(t);
    return () => {
      t.live = false;
    };
  }
  async advance(ms: number) {
    this.time += ms;
    for (const t of this.timers.filter((t) => t.live && t.at <= this.time)) {
      t.live = false;
      t.fn();
    }
    await settle();
  }
}
const settle = () => new Promise((resolve) => setImmediate(resolve));

function harness(renegotiate: (offer: string) => Promise<string> = async () => 'answer') {
  const pc = new FakePeer();
  const clock = new Clock();
  const win = new FakePeer();
  const log: string[] = [];
  let n = 0;
  const hooks: RestartHooks = {
    offer: async () => `offer-${++n}`,
    renegotiate: async (offer) => {
      log.push(`renegotiate ${offer}`);
      return renegotiate(offer);
    },
    complete: async (answer) => {
      log.push(`complete ${answer}`);
    },
    reconnecting: () => log.push('reconnecting'),
    reconnected: () => log.push('reconnected'),
    failed: (e) => log.push(`failed ${(e as DeviceError).errorName}`),
  };
  const stop = watchIceRestarts(pc, hooks, { clock, window: win, disconnectedMs: 2000, retryDelayMs: 3000 });
  return { pc, clock, win, log, stop };
}

describe('ICE restarts', () => {
  it('a short disconnection that recovers by itself restarts nothing', async () => {
    const { pc, clock, log } = harness();
    pc.ice('disconnected');
    await clock.advance(1500);
    pc.ice('connected');
    await clock.advance(5000);
    expect(log).toEqual([]);
  });

  it('disconnected for more than 2 s: reconnecting, an offer renegotiated and applied, reconnected once ICE connects', async () => {
    const { pc, clock, log } = harness();
    pc.ice('disconnected');
    await clock.advance(2000);
    expect(log).toEqual(['reconnecting', 'renegotiate offer-1', 'complete answer']);
    pc.ice('checking');
    pc.ice('connected');
    expect(log.at(-1)).toBe('reconnected');
  });

  it('ICE failed, the window coming online, and pc.restartIce() (negotiationneeded) each restart', async () => {
    const { pc, win, log } = harness();
    pc.ice('failed');
    await settle();
    pc.ice('connected');
    win.fire('online');
    await settle();
    pc.fire('negotiationneeded');
    await settle();
    expect(log.filter((l) => l.startsWith('renegotiate'))).toEqual([
      'renegotiate offer-1',
      'renegotiate offer-2',
      'renegotiate offer-3',
    ]);
    // ICE stayed connected across the last two: each reported back at once
    expect(log.filter((l) => l === 'reconnected')).toHaveLength(3);
  });

  it('a refused restart is retried while ICE is down, at most 5 times; the call is told nothing more', async () => {
    const { pc, clock, log } = harness(async () => {
      throw new DeviceError('TooManyRequests', 'slow down');
    });
    pc.ice('failed');
    await settle();
    for (let i = 0; i < 10; i++) await clock.advance(3000);
    expect(log.filter((l) => l.startsWith('renegotiate'))).toHaveLength(5);
    expect(log.filter((l) => l === 'failed TooManyRequests')).toHaveLength(5);
    expect(log.filter((l) => l === 'reconnecting')).toHaveLength(1);
    expect(log).not.toContain('reconnected');
  });

  it('stop() removes every listener and cancels a pending restart', async () => {
    const { pc, win, clock, log, stop } = harness();
    pc.ice('disconnected');
    stop();
    await clock.advance(5000);
    expect(log).toEqual([]);
    expect(pc.count + win.count).toBe(0);
  });
});
