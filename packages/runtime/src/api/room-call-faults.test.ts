/**
 * A bridge-side failure ends a room call with a fatal error (docs/rooms.md, when a call ends),
 * with real faults: the room's conference ended over REST under it, and legs the runtime refuses
 * to place (the account's concurrent-call limit). The end reaches the roster, the room's log,
 * an app following the room (WebSocket and long-poll) and the status callback, with its code.
 * A refused leg the call can do without only shows as failed.
 */
import { describe, expect, it } from 'vitest';
import { until } from '../bridge/devices.test-support.js';
import { clusterSize, harnessPerTest } from './harness.test-support.js';
import { inRoom, pauseWhen, roster } from './room-calls.test-support.js';
import { channelSetup, follower, PRESS_1 } from './room-channel.test-support.js';
import { roomsRequest } from './rooms.test-support.js';

const startHarness = harnessPerTest();
const OUTSIDE = '+15550620299';

const members = [
  { name: 'Olga', phone: '+15550620201', identity: 'olga', role: 'organizer' as const, behaviour: PRESS_1 },
  { name: 'Ann', phone: '+15550620202', behaviour: PRESS_1 },
];

describe('a room call ended by a failure under it', () => {
  for (const transport of ['websocket', 'long-poll'] as const)
    it(`ends fatal-error (91180) when its conference is ended from outside, seen over ${transport}`, async () => {
      const { clock, harness, room, key } = await channelSetup(
        startHarness,
        members,
        {},
        { routes: { '/room-events': () => '' } },
      );
      await roomsRequest(harness, 'POST', `Rooms/${room.sid}`, { StatusCallback: `${harness.app.url}/room-events` });
      const held = clock.hold();
      const { device, room: followed } = follower({ clock, harness, key }, room.sid, transport);
      await followed.subscribe();
      const ended = until(followed, 'call-ended', () => true);
      const started = await roomsRequest(harness, 'POST', `Rooms/${room.sid}/Call`, { All: 'true' });
      held();
      const release = await pauseWhen(harness, clock, () => inRoom(harness) === 2);
      const conference = (await roster(harness, room.sid)).json.conference_sid as string;
      await harness.client.conferences(conference).update({ status: 'completed' });
      const [reason, error] = await ended;
      release();
      expect(reason).toBe('fatal-error');
      expect(error).toEqual({ code: 91180, message: expect.stringContaining('conference-ended-via-api') });

      const after = await roster(harness, room.sid);
      expect(after.json).toMatchObject({
        sid: started.json.sid,
        status: 'completed',
        end_reason: 'fatal-error',
        error_code: 91180,
      });
      expect([after.byName.Olga?.state, after.byName.Ann?.state]).toEqual(['left', 'left']);
      const log = await roomsRequest(harness, 'GET', `Rooms/${room.sid}/Events?Type=call-ended`);
      expect((log.json.events as Array<Record<string, unknown>>)[0]).toMatchObject({
        reason: 'fatal-error',
        error_code: 91180,
        error_message: expect.stringContaining('ended under it'),
      });
      await harness.runtime.callbacks.drain();
      const posted = harness.app
        .requestsTo('/room-events')
        .filter((r) => r.params.StatusCallbackEvent === 'call-ended');
      expect(posted.map((r) => [r.params.Reason, r.params.ErrorCode])).toEqual([['fatal-error', '91180']]);
      // The room can be called again.
      const again = await roomsRequest(harness, 'POST', `Rooms/${room.sid}/Call`, { All: 'true' });
      expect(again.status).toBe(201);
      device.destroy();
    });

  // One harness per limit: in cluster mode the harnesses of one test share a database, where the
  // room's number can belong to one account only.
  it.each([1, 2])(
    'ends fatal-error (91181) when the runtime refuses every leg, and goes on without a refused one (limit %i)',
    async (limit) => {
      const { clock, harness, room } = await channelSetup(
        startHarness,
        members,
        {},
        { limits: { concurrentCalls: limit } },
      );
      // Another call of the account holds one of its slots.
      harness.network.addNumber(OUTSIDE, {});
      const held = clock.hold();
      const outside = harness.runtime.calls.create({
        to: OUTSIDE,
        from: '+15550620298',
        twiml: '<Response><Pause length="3600"/></Response>',
      });
      // In cluster mode a call takes its slot from the cluster's count (on the bus), then is stored.
      if (clusterSize() > 1)
        await expect.poll(() => harness.store.get('call', harness.account.sid, outside.sid)).toBeDefined();
      const started = await roomsRequest(harness, 'POST', `Rooms/${room.sid}/Call`, { All: 'true' });
      expect(started.status).toBe(201);
      held();
      if (limit === 1) {
        // Both legs refused. In cluster mode a refusal by the cluster's count comes after the leg's
        // creation, in the order the legs were placed: the organizer's first, which ends the call,
        // and Ann's leg may be hung up (canceled) before its own refusal arrives.
        const over = new Set(['failed', 'canceled']);
        const release = await pauseWhen(
          harness,
          clock,
          () =>
            harness.runtime.calls.list().filter((call) => call.to !== OUTSIDE && over.has(call.status)).length === 2,
        );
        const { json, byName } = await roster(harness, room.sid);
        release();
        expect(json).toMatchObject({ status: 'completed', end_reason: 'fatal-error', error_code: 91181 });
        expect(json.error_message).toMatch(/refused to place the call to \+15550620201: 10004/);
        expect(byName.Olga?.state).toBe('failed');
        if (clusterSize() > 1) expect(['failed', 'no-answer']).toContain(byName.Ann?.state);
        else expect(byName.Ann?.state).toBe('failed');
      } else {
        // Olga's leg takes the last slot, Ann's is refused: Olga's call goes on.
        const release = await pauseWhen(harness, clock, () => inRoom(harness) === 1);
        const { json, byName } = await roster(harness, room.sid);
        release();
        expect(json).toMatchObject({ status: 'in-progress', end_reason: null, error_code: null });
        expect([byName.Olga?.state, byName.Ann?.state]).toEqual(['joined', 'failed']);
      }
    },
  );
});
