/**
 * Patchbay's own REST namespace, `/patchbay/v1`, in the conventions of the hosted service's newer
 * APIs (form-encoded requests, JSON answers with snake_case properties, `meta` paging): rooms,
 * their members, the operator's directory and the account's room policy (docs/rooms.md).
 */
import type { CommandDeps } from '../../../rooms/call/commands.js';
import type { RoomMemberRecord, RoomRecord } from '../../../rooms/records.js';
import type { RoomScheduler } from '../../../rooms/schedules/scheduler.js';
import type { Serial } from '../../../rooms/serial.js';
import type { Resource, ResourceContext } from '../context.js';
import { directoryResource } from './directory.js';
import { membersResource } from './members.js';
import { policyResource } from './policy.js';
import { roomCallResource } from './room-call.js';
import { roomEventsResource } from './room-events.js';
import { roomMessagesResource } from './room-messages.js';
import { roomsResource } from './rooms.js';
import { schedulesResource } from './schedules.js';
import { verificationResource } from './verification.js';

/** What the rooms resources need beyond the request. */
export interface RoomsApi {
  /** One change at a time per room (and per account for room creation). */
  readonly serial: Serial;
  /** Whether the room's call runs, on any node (a room with a call in progress cannot be deleted). */
  callInProgress(room: RoomRecord): Promise<boolean>;
  /** A member was added (not merged): tell them. */
  memberAdded(context: ResourceContext, room: RoomRecord, member: RoomMemberRecord): Promise<void>;
  /** The room call engine and what its commands need. */
  readonly calls: CommandDeps;
  /** Runs the rooms' scheduled calls; told of every change made over REST. */
  readonly schedules: RoomScheduler;
}

export function patchbayV1Resource(api: RoomsApi): Resource {
  const resources = [
    roomsResource(api),
    roomCallResource(api.calls),
    roomEventsResource(api.calls.audit),
    membersResource(api),
    directoryResource(api),
    policyResource(api),
    schedulesResource(api, api.schedules),
    roomMessagesResource(api.calls.chat),
    verificationResource(api),
  ];
  return async (context) => {
    for (const resource of resources) {
      const result = await resource(context);
      if (result) return result;
    }
    return undefined;
  };
}
