/**
 * Rooms' scheduled calls survive restarts (docs/rooms.md, Schedules): `patchbay serve` is killed
 * (SIGKILL) before a scheduled start and started again on the same data directory after it: the
 * occurrence runs once, at start-up. Killed and started again once more, it does not run again;
 * a schedule made afterwards still runs. Killed between claiming an occurrence and starting its
 * call (the state such a kill leaves, written into the database while the server is down), the
 * occurrence starts at start-up, once; killed after its call started but before the start was
 * recorded, it is not rung again. Real processes, real SQLite, real time (seconds).
 */
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { RoomScheduleRecord } from '../rooms/schedules/records.js';
import { SqliteStore } from '../store/sqlite.js';
import { cleanUpProcesses, dataDirectory, type Served, servePatchbay } from './processes.test-support.js';

afterEach(cleanUpProcesses);

const ACCOUNT = `AC${'5'.repeat(32)}`;
const TOKEN = 'd'.repeat(32);
const AUTH = `Basic ${Buffer.from(`${ACCOUNT}:${TOKEN}`).toString('base64')}`;
const DANA = '+15550400002';

async function request(base: string, method: string, path: string, params?: Record<string, string>) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: AUTH, 'content-type': 'application/x-www-form-urlencoded' },
    ...(params ? { body: new URLSearchParams(params) } : {}),
  });
  return (await response.json()) as Record<string, unknown>;
}

const v1 = (served: Served, method: string, path: string, params?: Record<string, string>) =>
  request(served.url, method, `/patchbay/v1/${path}`, params);

/** The calls made to Dana's number, as the store holds them. */
async function callsToDana(served: Served): Promise<number> {
  const answer = await request(
    served.url,
    'GET',
    `/2010-04-01/Accounts/${ACCOUNT}/Calls.json?To=${encodeURIComponent(DANA)}`,
  );
  return (answer.calls as unknown[]).length;
}

/** Polls the schedule until `test` holds (the server runs on real time). */
async function scheduleWhen(served: Served, path: string, test: (schedule: Record<string, unknown>) => boolean) {
  for (let i = 0; i < 200; i++) {
    const schedule = await v1(served, 'GET', path);
    if (test(schedule)) return schedule;
    await delay(50);
  }
  throw new Error(`${path} never reached the state wanted`);
}

/** Kills the server (SIGKILL) and waits for it to be gone. */
async function kill(served: Served): Promise<void> {
  served.child.kill('SIGKILL');
  await new Promise((resolve) => served.child.once('exit', resolve));
}

/** A room with an organizer and Dana on the account's number, and a `once` schedule `inMs` ahead. */
async function scheduled(served: Served, inMs: number) {
  await request(served.url, 'POST', `/2010-04-01/Accounts/${ACCOUNT}/IncomingPhoneNumbers.json`, {
    PhoneNumber: '+15550400900',
  });
  const room = await v1(served, 'POST', 'Rooms', { FriendlyName: 'Book club' });
  await v1(served, 'POST', `Rooms/${room.sid}/Members`, {
    FirstName: 'Olga',
    PhoneNumber: '+15550400001',
    Role: 'organizer',
  });
  await v1(served, 'POST', `Rooms/${room.sid}/Members`, { FirstName: 'Dana', PhoneNumber: DANA });
  const at = Date.now() + inMs;
  const schedule = await v1(served, 'POST', `Rooms/${room.sid}/Schedules`, {
    Recurrence: 'once',
    StartTime: new Date(at).toISOString(),
    All: 'true',
  });
  return { at, room: String(room.sid), sid: String(schedule.sid), path: `Rooms/${room.sid}/Schedules/${schedule.sid}` };
}

/** Changes the stored schedule while no server runs (as a kill at some instant would have left it). */
async function rewrite(data: string, sid: string, change: (schedule: RoomScheduleRecord) => RoomScheduleRecord) {
  const store = await SqliteStore.open(data);
  try {
    await store.update<RoomScheduleRecord>('room-schedule', ACCOUNT, sid, change);
  } finally {
    await store.close();
  }
}

describe('a scheduled room call across SIGKILLs', () => {
  it('runs an occurrence due while the server was down once, at start-up, and never again', async () => {
    const data = await dataDirectory('patchbay-schedule-');
    const env = { PATCHBAY_ACCOUNT_SID: ACCOUNT, PATCHBAY_AUTH_TOKEN: TOKEN };
    const first = await servePatchbay(data, env);
    const { at, path, room } = await scheduled(first, 2_000);
    expect((await v1(first, 'GET', path)).status).toBe('active');
    await kill(first);
    // Down across the scheduled time.
    await delay(Math.max(0, at - Date.now()) + 200);

    const second = await servePatchbay(data, env);
    const ran = await scheduleWhen(
      second,
      path,
      (s) => (s.last_run as { outcome?: string } | null)?.outcome === 'started',
    );
    expect(ran).toMatchObject({ runs: 1, status: 'completed', next_run: null });
    expect(await callsToDana(second)).toBe(1);
    await kill(second);

    const third = await servePatchbay(data, env);
    // A new schedule a second ahead: once it has run, start-up is long past, and the old one did not run again.
    const later = await v1(third, 'POST', `Rooms/${room}/Schedules`, {
      Recurrence: 'once',
      StartTime: new Date(Date.now() + 1_000).toISOString(),
      All: 'true',
    });
    await scheduleWhen(third, `Rooms/${room}/Schedules/${later.sid}`, (s) => s.runs === 1);
    expect(await v1(third, 'GET', path)).toMatchObject({ runs: 1, last_run: { outcome: 'started' } });
    expect(await callsToDana(third)).toBe(2);
  }, 30_000);

  it('starts an occurrence claimed before the kill but never started, once, at start-up', async () => {
    const data = await dataDirectory('patchbay-schedule-claimed-');
    const env = { PATCHBAY_ACCOUNT_SID: ACCOUNT, PATCHBAY_AUTH_TOKEN: TOKEN };
    const first = await servePatchbay(data, env);
    const { at, sid, path } = await scheduled(first, 60_000);
    await kill(first);
    // What a kill between the claim and the call's start leaves: claimed, next_run moved on, no call.
    await rewrite(data, sid, ({ nextRun: _, ...schedule }) => ({
      ...schedule,
      runs: 1,
      lastRun: { at: Date.now() - 1_000, outcome: 'claimed', claimedAt: Date.now() - 1_000 },
    }));
    expect(at).toBeGreaterThan(Date.now());

    const second = await servePatchbay(data, env);
    const ran = await scheduleWhen(
      second,
      path,
      (s) => (s.last_run as { outcome?: string } | null)?.outcome !== 'claimed',
    );
    expect(ran).toMatchObject({ runs: 1, status: 'completed', last_run: { outcome: 'started' } });
    expect(await callsToDana(second)).toBe(1);
    await kill(second);

    const third = await servePatchbay(data, env);
    expect(await v1(third, 'GET', path)).toMatchObject({ runs: 1, last_run: { outcome: 'started' } });
    expect(await callsToDana(third)).toBe(1);
  }, 30_000);

  it('does not ring again for an occurrence whose call started before the kill, but whose start was not recorded', async () => {
    const data = await dataDirectory('patchbay-schedule-started-');
    const env = { PATCHBAY_ACCOUNT_SID: ACCOUNT, PATCHBAY_AUTH_TOKEN: TOKEN };
    const first = await servePatchbay(data, env);
    const { path, sid } = await scheduled(first, 1_000);
    const ran = await scheduleWhen(
      first,
      path,
      (s) => (s.last_run as { outcome?: string } | null)?.outcome === 'started',
    );
    const callSid = (ran.last_run as { call_sid: string }).call_sid;
    expect(await callsToDana(first)).toBe(1);
    await kill(first);
    // As if the kill came after the call started, before its start was recorded.
    await rewrite(data, sid, (schedule) => {
      const { at, claimedAt } = { at: schedule.lastRun?.at ?? 0, claimedAt: schedule.updatedAt };
      return { ...schedule, lastRun: { at, outcome: 'claimed', claimedAt } };
    });

    const second = await servePatchbay(data, env);
    const resumed = await scheduleWhen(
      second,
      path,
      (s) => (s.last_run as { outcome?: string } | null)?.outcome !== 'claimed',
    );
    expect(resumed).toMatchObject({ runs: 1, last_run: { outcome: 'started', call_sid: callSid } });
    expect(await callsToDana(second)).toBe(1);
  }, 30_000);
});
