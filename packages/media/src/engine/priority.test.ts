import { readFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { MediaEngine } from './engine.js';
import { HIGH_NICE, type PrioritySystem, raiseAudioPriority } from './priority.js';

/** A system that records what was set and refuses what it is told to. */
function fakeSystem(refuse: { realtime?: boolean; nice?: boolean }) {
  const set: string[] = [];
  const system: PrioritySystem = {
    realtime: async (thread, priority) => {
      if (refuse.realtime) throw new Error('chrt: failed to set pid 1 policy: Operation not permitted');
      set.push(`rr ${priority} ${thread}`);
    },
    nice: (thread, value) => {
      if (refuse.nice) throw new Error('EACCES');
      set.push(`nice ${value} ${thread}`);
    },
  };
  return { set, system };
}

describe('raiseAudioPriority', () => {
  it('makes every audio thread real-time where allowed', async () => {
    const { set, system } = fakeSystem({});
    expect(await raiseAudioPriority([11, 12], system)).toEqual({ level: 'realtime' });
    expect(set).toEqual(['rr 10 11', 'rr 10 12']);
  });

  it('falls back to a high nice value, saying what real-time needs', async () => {
    const { set, system } = fakeSystem({ realtime: true });
    const outcome = await raiseAudioPriority([11, 12], system);
    expect(outcome.level).toBe('high');
    expect(outcome.reason).toContain('Operation not permitted');
    expect(outcome.reason).toContain('LimitRTPRIO');
    expect(set).toEqual([`nice ${HIGH_NICE} 11`, `nice ${HIGH_NICE} 12`]);
  });

  it('reports normal priority with both refusals and what to grant', async () => {
    const { set, system } = fakeSystem({ realtime: true, nice: true });
    const outcome = await raiseAudioPriority([11], system);
    expect(outcome.level).toBe('normal');
    expect(outcome.reason).toMatch(/real-time: chrt.*nice: EACCES.*audio may be late.*rtprio/);
    expect(set).toEqual([]);
  });

  it('does not guess when a thread id is unknown', async () => {
    const { set, system } = fakeSystem({});
    expect((await raiseAudioPriority([11, undefined], system)).level).toBe('normal');
    expect(set).toEqual([]);
  });
});

/** The kernel's scheduling policy of a thread of this process (field 41 of its stat: 2 is SCHED_RR). */
function policyOf(thread: number): number {
  const stat = readFileSync(`/proc/self/task/${thread}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[41 - 3]);
}

const CAP_SYS_NICE = 23;

/** Whether this process has a capability in its effective set. */
function hasCapability(bit: number): boolean {
  const line = readFileSync('/proc/self/status', 'utf8').match(/^CapEff:\s*([0-9a-f]+)$/m);
  return line ? ((BigInt(`0x${line[1]}`) >> BigInt(bit)) & 1n) === 1n : false;
}

describe('MediaEngine priority', () => {
  let engine: MediaEngine | undefined;
  afterEach(async () => {
    await engine?.close();
    engine = undefined;
  });

  it.runIf(process.platform === 'linux')('runs its workers at the priority it reports', async () => {
    engine = await MediaEngine.start({
      bindAddress: '127.0.0.1',
      rtpPorts: [39100, 39119],
      workers: 2,
    });
    const threads = engine.workers.map((w) => w.thread as number);
    expect(threads.every((t) => Number.isInteger(t) && t !== process.pid)).toBe(true);
    const { level } = engine.priority;
    for (const thread of threads) {
      expect(policyOf(thread)).toBe(level === 'realtime' ? 2 : 0);
      expect(getPriority(thread)).toBe(level === 'high' ? HIGH_NICE : getPriority(process.pid));
    }
    // With CAP_SYS_NICE (root in CI) nothing stops real-time scheduling: audio must get it there.
    if (hasCapability(CAP_SYS_NICE)) expect(level).toBe('realtime');
  });

  it.runIf(process.platform === 'linux')('leaves the workers alone when asked to', async () => {
    engine = await MediaEngine.start({
      bindAddress: '127.0.0.1',
      rtpPorts: [39120, 39139],
      workers: 1,
      priority: 'normal',
    });
    expect(engine.priority.level).toBe('normal');
    expect(policyOf(engine.workers[0]?.thread as number)).toBe(0);
  });
});
