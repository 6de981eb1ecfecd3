/**
 * What the REST API's router serves beside its routes: the rooms control that devices command
 * and follow rooms with (docs/rooms.md, the control channel), and on a cluster what the nodes
 * serve one another (docs/cluster.md): a room's commands relayed to the node running its call,
 * room events shared with followers elsewhere, REST requests for the conferences, queues and
 * room calls a node holds, and device sessions checked again after a credential changed.
 *
 * @example
 * const serving = serveRoomsAndNodes({ options, sip, calls, schedules });
 * serving.close(); // with the router
 */
import { serveConferenceControl } from '../cluster/conference-control.js';
import { serveRevalidation } from '../cluster/devices-revalidate.js';
import { serveQueueControl } from '../cluster/queue-control.js';
import { REST as ROOM_CALL_REST } from '../cluster/room-call-placement.js';
import { clusterRoomControl } from '../cluster/room-commands.js';
import { shareRoomEvents } from '../cluster/room-events.js';
import { roomControl } from '../rooms/call/control.js';
import type { roomCalls } from '../rooms/call/index.js';
import type { RoomScheduler } from '../rooms/schedules/scheduler.js';
import type { SipApiSettings } from '../sip/settings.js';
import { forwardedConferenceRequest } from './resources/conferences-forwarded.js';
import { roomCallResource } from './resources/patchbay-v1/room-call.js';
import { queuesHere } from './resources/queues.js';
import type { ApiOptions } from './server.js';

export function serveRoomsAndNodes({
  options,
  sip,
  calls,
  schedules,
}: {
  options: ApiOptions;
  sip: SipApiSettings;
  calls: ReturnType<typeof roomCalls>;
  schedules: RoomScheduler;
}): { close(): void } {
  const { runtime } = options;
  // Room calls stop following the runtime with the API.
  // Devices command and follow rooms over their channel (docs/rooms.md, the control channel).
  // On a cluster, the call's commands go to the node running it (docs/cluster.md).
  const relayedRooms =
    options.bus &&
    clusterRoomControl(roomControl(calls.deps, calls.audit, schedules), {
      bus: options.bus,
      engine: calls.deps.engine,
      placement: calls.deps.cluster,
      clock: runtime.clock,
      onError: options.onError,
    });
  const detachRooms = runtime.devices?.rooms.attach(
    relayedRooms?.control ?? roomControl(calls.deps, calls.audit, schedules),
  );
  // On a cluster, followers on other nodes hear this node's room events (docs/cluster.md).
  const sharing =
    options.bus &&
    shareRoomEvents(options.bus, calls.audit, calls.deps.chat, options.onError).catch((error: unknown) => {
      options.onError?.(error);
      return () => {};
    });
  // In a cluster: REST requests for the conferences this node holds, sent by the node they reached.
  const stopConferenceControl =
    options.bus && serveConferenceControl(options.bus, (request) => forwardedConferenceRequest(options, sip, request));
  const stopRevalidation = options.bus && runtime.devices && serveRevalidation(options.bus, runtime.devices);
  // ... and for the queues it holds (the bus only to change a member's call where it runs).
  const bus = options.bus;
  const stopQueueControl =
    bus && serveQueueControl(bus, (request) => forwardedConferenceRequest(options, sip, request, queuesHere, bus));
  // ... and for the room calls it runs.
  const roomCallHere = roomCallResource(calls.deps);
  const stopRoomCallControl =
    bus &&
    serveConferenceControl(
      bus,
      (request) => forwardedConferenceRequest(options, sip, request, roomCallHere),
      ROOM_CALL_REST,
    );
  return {
    close() {
      stopRevalidation?.();
      stopConferenceControl?.();
      stopQueueControl?.();
      stopRoomCallControl?.();
      detachRooms?.();
      void sharing?.then((stop) => stop());
      void relayedRooms?.close();
    },
  };
}
