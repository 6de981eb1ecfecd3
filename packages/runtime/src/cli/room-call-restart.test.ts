/**
 * A room call survives its server's death as a record (docs/rooms.md, calls): `patchbay serve` is
 * killed (SIGKILL) with a room call in progress, two members joined; started again on the same
 * data directory, `GET .../Call` shows that call `completed`, `server-restart`, nobody in it any
 * more, `GET .../Calls` lists it, and the room's log has its end. Real processes, real SQLite,
 * real time, the members' phones scripted on the server's simulated network.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanUpProcesses, dataDirectory, type Served, servePatchbay } from './processes.test-support.js';

afterEach(cleanUpProcesses);

const ACCOUNT = `AC${'6'.repeat(32)}`;
const TOKEN = 'e'.repeat(32);
const ENV = { PATCHBAY_ACCOUNT_SID: ACCOUNT, PATCHBAY_AUTH_TOKEN: TOKEN };

/** A JSON request with the account's credentials, to `/patchbay/v1/...` or the account's 2010 resources. */
function api(served: Served) {
  const send = async (method: string, url: string, params?: Record<string, string>) => {
    const response = await fetch(`${served.url}${url}`, {
      method,
      headers: {
        authorization: `Basic ${Buffer.from(`${ACCOUNT}:${TOKEN}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      ...(params ? { body: new URLSearchParams(params) } : {}),
    });
    return (await response.json()) as Record<string, unknown>;
  };
  return {
    v1: (method: string, path: string, params?: Record<string, string>) => send(method, `/patchbay/v1/${path}`, params),
    account: (path: string, params: Record<string, string>) =>
      send('POST', `/2010-04-01/Accounts/${ACCOUNT}/${path}`, params),
  };
}

/** Polls `read` until `test` holds (the server runs on real time). */
async function when<T>(read: () => Promise<T>, test: (value: T) => boolean): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = await read();
    if (test(value)) return value;
    await delay(50);
  }
  throw new Error('never reached the state wanted');
}

const states = (call: Record<string, unknown>) =>
  ((call.participants ?? []) as Array<{ state: string }>).map((participant) => participant.state);

describe('a room call across a SIGKILL', () => {
  it('is shown completed, server-restart, after the server died under it', async () => {
    const data = await dataDirectory('patchbay-room-call-');
    const first = await servePatchbay(data, ENV);
    const one = api(first);
    await one.account('IncomingPhoneNumbers.json', { PhoneNumber: '+15550620900' });
    // Olga (the organizer) goes straight in; Ann presses 1 at the invitation.
    await one.account('Simulator/Numbers.json', { Number: '+15550620901', OnCall: 'answer' });
    await one.account('Simulator/Numbers.json', { Number: '+15550620902', OnCall: 'answer', Script: 'wait; press 1' });
    const room = await one.v1('POST', 'Rooms', { FriendlyName: 'Book club' });
    await one.v1('POST', `Rooms/${room.sid}/Members`, {
      FirstName: 'Olga',
      PhoneNumber: '+15550620901',
      Role: 'organizer',
    });
    await one.v1('POST', `Rooms/${room.sid}/Members`, { FirstName: 'Ann', PhoneNumber: '+15550620902' });
    const started = await one.v1('POST', `Rooms/${room.sid}/Call`, { All: 'true' });
    expect(started.status).toBe('in-progress');
    // Both joined, as stored (not only as the running process knows it): then the kill.
    await when(
      () => one.v1('GET', `Rooms/${room.sid}/Calls/${started.sid}`),
      (call) => states(call).join() === 'joined,joined',
    );
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));

    const second = await servePatchbay(data, ENV);
    const two = api(second);
    const after = await when(
      () => two.v1('GET', `Rooms/${room.sid}/Call`),
      (call) => call.end_reason === 'server-restart',
    );
    expect(after).toMatchObject({ sid: started.sid, status: 'completed', room_sid: room.sid });
    expect(states(after)).toEqual(['left', 'left']);
    expect(after.date_ended).not.toBeNull();
    const listed = await two.v1('GET', `Rooms/${room.sid}/Calls`);
    expect((listed.calls as Array<{ sid: string; end_reason: string }>).map((c) => [c.sid, c.end_reason])).toEqual([
      [started.sid, 'server-restart'],
    ]);
    const log = await two.v1('GET', `Rooms/${room.sid}/Events?Type=call-ended`);
    expect(
      (log.events as Array<{ reason: string; room_call_sid: string }>).map((e) => [e.room_call_sid, e.reason]),
    ).toEqual([[started.sid, 'server-restart']]);
    // The room is free again: a new call starts.
    const again = await two.v1('POST', `Rooms/${room.sid}/Call`, { All: 'true' });
    expect(again.status).toBe('in-progress');
  }, 30_000);
});
