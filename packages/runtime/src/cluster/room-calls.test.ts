import { describe, expect, it } from 'vitest';
import { ROOM_NUMBER, roomWith, roster } from '../api/room-calls.test-support.js';
import { roomsRequest } from '../api/rooms.test-support.js';
import type { RoomCallRecord } from '../rooms/call/persist.js';
import type { BusKind } from './conferences.test-support.js';
import { type RestNode, restNodesPerTest } from './rest-nodes.test-support.js';

const OLGA = '+15550300001';
const DANA = '+15550300002';
const BUSY = '+15550300009';

const startNodes = restNodesPerTest();

/** Two nodes of one cluster on one store, each its own runtime, network and REST API. */
async function twoNodes(kind: BusKind) {
  const [a, b] = (await startNodes(kind, ['node-a', 'node-b'], {
    // Olga and Dana never answer the room's ring: they dial in themselves.
    setup: (network) => {
      for (const number of [OLGA, DANA]) network.addNumber(number, { onCall: 'no-answer' });
      network.addNumber(BUSY, { hangupAfterMs: 600_000 });
    },
  })) as [RestNode, RestNode];
  return { a, b };
}

/** A room of Olga and Dana, and its call started through A while A runs a call and B none: on B. */
async function startedOnB(kind: BusKind) {
  const { a, b } = await twoNodes(kind);
  const room = await roomWith(a, [
    { name: 'Olga', phone: OLGA, role: 'organizer' },
    { name: 'Dana', phone: DANA },
  ]);
  await a.client.calls.create({ to: BUSY, from: OLGA, twiml: '<Response><Pause length="600"/></Response>' });
  await expect.poll(() => a.cluster.bus.getKey('load:node-a')).toBe('1');
  const started = await roomsRequest(a, 'POST', `Rooms/${room.sid}/Call`, { All: 'true' });
  return { a, b, room, started };
}

describe.each<BusKind>(['in-process', 'redis'])('room calls across nodes (%s bus)', (kind) => {
  it('a call started through one node runs on the least loaded; a caller dialing in on the other joins it; REST on either node reaches it', async () => {
    const { a, b, room, started } = await startedOnB(kind);
    expect(started.status).toBe(201);
    expect(b.runtime.calls.list().filter((call) => call.to === DANA)).toHaveLength(1);
    expect(a.runtime.calls.list().filter((call) => call.to === DANA)).toEqual([]);
    // Either node answers the roster, as B has it.
    const viaA = await roster(a, room.sid);
    expect(viaA.json).toMatchObject({ sid: started.json.sid, status: 'in-progress' });
    expect(viaA.byName.Dana?.state).toBe('ringing');
    expect(viaA.json.participants).toEqual((await roster(b, room.sid)).json.participants);
    // B answered with the URLs A gives (the node the client reached).
    expect(viaA.json.url).toBe(`${a.base}/patchbay/v1/Rooms/${room.sid}/Calls/${started.json.sid}`);
    // A second start through A is refused by B, as one node refuses it.
    const again = await roomsRequest(a, 'POST', `Rooms/${room.sid}/Call`, { All: 'true' });
    expect(again.status).toBe((await roomsRequest(b, 'POST', `Rooms/${room.sid}/Call`, { All: 'true' })).status);
    expect(again.status).toBeGreaterThanOrEqual(400);

    // Dana dials the room's number and reaches node A: she joins the call on B.
    const dana = a.network.call({ from: DANA, to: ROOM_NUMBER, hangupAfterMs: 600_000 });
    await dana.heard((entry) => entry.type === 'heard-speech' && entry.text === 'Joining Book club.');
    await expect.poll(async () => (await roster(a, room.sid)).byName.Dana?.state).toBe('joined');
    const ended = await roomsRequest(a, 'POST', `Rooms/${room.sid}/Call`, { Status: 'completed' });
    expect(ended.json).toMatchObject({ status: 'completed' });
    await dana.heard((entry) => entry.type === 'hung-up' || entry.type === 'disconnected');
  });
});

it("a room call whose node dies is over on the survivor taking the node over: server-restart, its call-ended in the room's log", async () => {
  const { a, b, room, started } = await startedOnB('redis');
  const sid = started.json.sid as string;
  const stored = () => a.store.get<RoomCallRecord>('room-call', a.account.sid, sid);
  await expect.poll(async () => (await stored())?.status).toBe('in-progress');
  expect(b.runtime.calls.list().filter((call) => call.to === DANA)).toHaveLength(1);

  // B dies: its bus goes silent (no leave), as a SIGKILL leaves it.
  await b.cluster.bus.close({ leave: false });
  await expect.poll(async () => (await stored())?.endReason, { timeout: 10_000 }).toBe('server-restart');
  expect(await stored()).toMatchObject({ status: 'completed' });
  const log = await roomsRequest(a, 'GET', `Rooms/${room.sid}/Events?Type=call-ended`);
  expect((log.json.events as Array<{ reason: string }>).map((event) => event.reason)).toEqual(['server-restart']);
}, 20_000);
