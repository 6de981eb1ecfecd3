/**
 * A room call's clock (docs/rooms.md): one person left alone for the room's InactivityTimeout
 * ends it; MaxDuration ends it after the room heard a warning a minute before. Virtual time.
 */
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../clock/virtual.js';
import { harnessPerTest } from './harness.test-support.js';
import { pauseWhen, roomWith, roster } from './room-calls.test-support.js';
import { roomsRequest } from './rooms.test-support.js';

const startHarness = harnessPerTest();
const OLGA = '+15550400001';
const ANN = '+15550400002';

describe('room call timers', () => {
  it('ends when one person was left alone for the inactivity timeout', async () => {
    const clock = new VirtualClock();
    const harness = await startHarness({ clock, networkClock: clock });
    const room = await roomWith(
      harness,
      [
        { name: 'Olga', phone: OLGA, role: 'organizer' },
        { name: 'Ann', phone: ANN, behaviour: { inputs: [{ digits: '1' }], hangupAfterMs: 90_000 } },
      ],
      { InactivityTimeout: '45' },
    );
    await roomsRequest(harness, 'POST', `Rooms/${room.sid}/Call`, { All: 'true' });
    const release = await pauseWhen(
      harness,
      clock,
      () => harness.runtime.conferences.list({ status: 'completed' }).length === 1,
    );
    const { json, byName } = await roster(harness, room.sid);
    release();
    expect([json.status, json.end_reason]).toEqual(['completed', 'inactivity']);
    const annLeft = Date.parse(String((json.participants as Array<{ date_left: string }>)[1]?.date_left));
    expect(Date.parse(String(json.date_ended)) - annLeft).toBe(45_000);
    expect([byName.Olga?.state, byName.Ann?.state]).toEqual(['left', 'left']);
  });

  it('warns the room a minute before the maximum length, then ends the call', async () => {
    const clock = new VirtualClock();
    const harness = await startHarness({ clock, networkClock: clock });
    const room = await roomWith(
      harness,
      [
        { name: 'Olga', phone: OLGA, role: 'organizer' },
        { name: 'Ann', phone: ANN, behaviour: { inputs: [{ digits: '1' }] } },
      ],
      { MaxDuration: '600' },
    );
    await roomsRequest(harness, 'POST', `Rooms/${room.sid}/Call`, { All: 'true' });
    const release = await pauseWhen(
      harness,
      clock,
      () => harness.runtime.conferences.list({ status: 'completed' }).length === 1,
    );
    const { json } = await roster(harness, room.sid);
    release();
    expect([json.status, json.end_reason]).toEqual(['completed', 'max-duration']);
    expect(Date.parse(String(json.date_ended)) - Date.parse(String(json.date_started))).toBe(600_000);
    const ann = harness.network.parties.find((p) => p.address === ANN);
    const warning = ann?.transcript.find((entry) =>
      JSON.stringify(entry).includes('This call will end in one minute.'),
    );
    expect(warning?.at).toBe(Date.parse(String(json.date_started)) + 540_000);
  });
});
