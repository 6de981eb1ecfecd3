/**
 * REST for a room's call across nodes (`/patchbay/v1/Rooms/{Sid}/Call...`): a request that
 * reaches a node not running the room's call is sent to the node that does (`room-call.rest`)
 * and answered as it answers; a start goes to the node the call is placed on (by load), or to
 * the node already running one (which refuses it as one node would).
 *
 * @example
 * const forwarded = await forwardRoomCall(context, deps.cluster, roomSid); // in the room call resource
 */
import { field, RestError } from '../api/http.js';
import type { ResourceContext, ResourceResult } from '../api/resources/context.js';
import { forward } from './conference-control.js';
import { REST, type RoomCallPlacement } from './room-call-placement.js';

/** Sends the request to the node running (or to run) the room's call; undefined when it is this node. */
export async function forwardRoomCall(
  context: ResourceContext,
  placement: RoomCallPlacement,
  roomSid: string,
): Promise<ResourceResult> {
  if (!context.bus) return undefined;
  const start =
    context.method === 'POST' &&
    !context.rest.includes('/Participants') &&
    field(await context.form(), 'Status') === undefined;
  // A read with no call running: the node that ran the last one, whose roster is the freshest.
  const node = start
    ? await placement.placeStart(roomSid)
    : ((await placement.elsewhere(roomSid)) ??
      (context.method === 'GET' ? await placement.lastElsewhere(roomSid) : undefined));
  if (node === undefined || node === context.bus.nodeId) return undefined;
  const what = `room ${roomSid}'s call`;
  return forward(
    context,
    node,
    what,
    REST,
    () => new RestError(503, 91356, `${what} ran on node ${node}, which is gone: it ended with it`),
  );
}
