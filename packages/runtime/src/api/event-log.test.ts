import { EventEmitter } from 'eventemitter3';
import { describe, expect, it } from 'vitest';
import type { CallRecord } from '../calls/call.js';
import { VirtualClock } from '../clock/virtual.js';
import type { RuntimeEvents } from '../interpreter/types.js';
import { EventLog, type LogEntry } from './event-log.js';

const PARENT = `AC${'1'.repeat(32)}`;
const CHILD = `AC${'2'.repeat(32)}`;

function call(sid: string, accountSid = PARENT): CallRecord {
  return {
    sid,
    accountSid,
    direction: 'inbound',
    from: '+1',
    to: '+2',
    status: 'ringing',
    createdAt: 0,
    updatedAt: 0,
    errors: [],
  };
}

function setup(options: { maxEvents?: number; windowMs?: number; ownerDelay?: Promise<void> } = {}) {
  const events = new EventEmitter<RuntimeEvents>();
  const clock = new VirtualClock();
  const log = new EventLog({
    runtime: { events },
    clock,
    ownerOf: async (sid) => {
      await options.ownerDelay;
      return sid === CHILD ? PARENT : sid;
    },
    ...(options.maxEvents ? { maxEvents: options.maxEvents } : {}),
    ...(options.windowMs ? { windowMs: options.windowMs } : {}),
  });
  const seen: LogEntry[] = [];
  log.subscribe((entry) => seen.push(entry));
  /** Settles once the log has appended everything emitted so far. */
  const settled = async () => {
    for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
  };
  return { events, clock, log, seen, settled };
}

describe('EventLog', () => {
  it('numbers events in the order the runtime emitted them, even while an account owner is looked up', async () => {
    let release = () => {};
    const ownerDelay = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { events, seen, settled } = setup({ ownerDelay });
    events.emit('call.created', call('CA1', CHILD));
    events.emit('call.status', call('CA1', CHILD), 'queued');
    events.emit('call.created', call('CA2'));
    release();
    await settled();
    expect(seen.map((entry) => [entry.type, JSON.parse(entry.data).sid, entry.ownerSid])).toEqual([
      ['call.created', 'CA1', PARENT],
      ['call.status', 'CA1', PARENT],
      ['call.created', 'CA2', PARENT],
    ]);
    expect(seen.map((entry) => entry.sequence)).toEqual([1, 2, 3]);
    expect(JSON.parse(seen[1]?.data as string)).toMatchObject({ status: 'ringing', previous_status: 'queued' });
  });

  it('resumes after a given id with exactly what came after it', async () => {
    const { events, log, seen, settled } = setup();
    for (const sid of ['CA1', 'CA2', 'CA3']) events.emit('call.created', call(sid));
    await settled();
    const resume = log.resume(seen[0]?.id);
    expect(resume.kind).toBe('replay');
    expect(resume.kind === 'replay' && resume.entries.map((entry) => entry.sequence)).toEqual([2, 3]);
    expect(log.resume(seen[2]?.id)).toEqual({ kind: 'replay', entries: [] });
    expect(log.resume(undefined)).toEqual({ kind: 'live' });
  });

  it('says when it cannot resume: another run, an id past its window, or nonsense', async () => {
    const { events, clock, log, seen, settled } = setup({ maxEvents: 2, windowMs: 60_000 });
    for (const sid of ['CA1', 'CA2', 'CA3', 'CA4']) events.emit('call.created', call(sid));
    await settled();
    // Two kept (3 and 4): after 1, event 2 is gone; after 2, nothing is.
    const expired = log.resume(seen[0]?.id);
    expect(expired.kind === 'gap' && [expired.reason, expired.entries.map((entry) => entry.sequence)]).toEqual([
      'expired',
      [3, 4],
    ]);
    expect(log.resume(seen[1]?.id)).toMatchObject({ kind: 'replay' });
    expect(log.resume('00000000-1')).toMatchObject({ kind: 'gap', reason: 'restarted' });
    expect(log.resume('x')).toMatchObject({ kind: 'gap', reason: 'invalid' });
    // Time passes: the window drops the rest too.
    await new Promise<void>((resolve) => clock.setTimer(resolve, 61_000));
    expect(log.resume(seen[3]?.id)).toEqual({ kind: 'replay', entries: [] });
    expect(log.resume(seen[2]?.id)).toMatchObject({ kind: 'gap', reason: 'expired', entries: [] });
  });

  it("keeps each account's events apart: a busy account does not push a quiet one's out of the window", async () => {
    const { events, log, seen, settled } = setup({ maxEvents: 2 });
    const QUIET = `AC${'3'.repeat(32)}`;
    events.emit('call.created', call('CA1', QUIET));
    for (const sid of ['CA2', 'CA3', 'CA4', 'CA5', 'CA6']) events.emit('call.created', call(sid));
    events.emit('call.status', call('CA1', QUIET), 'queued');
    await settled();
    const quiet = (entry: { accountSid: string }) => entry.accountSid === QUIET;
    const resumed = log.resume(seen[0]?.id, quiet);
    expect(resumed.kind === 'replay' && resumed.entries.map((entry) => entry.sequence)).toEqual([7]);
    // The busy account's own readers do miss what its cap dropped.
    expect(log.resume(seen[1]?.id, (entry) => entry.accountSid === PARENT)).toMatchObject({ kind: 'gap' });
  });

  it('stops listening when closed', async () => {
    const { events, log, seen, settled } = setup();
    log.close();
    events.emit('call.created', call('CA1'));
    await settled();
    expect(seen).toEqual([]);
    expect(events.listenerCount('call.created')).toBe(0);
  });
});
