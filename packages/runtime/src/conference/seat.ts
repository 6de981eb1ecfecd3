/**
 * A caller's seat in a conference, wherever the conference lives: `<Dial><Conference>` waits,
 * plays hold music and leaves through this, so the verb is the same whether the room is on this
 * node (a `Conference` of the registry) or on another node of a cluster (cluster/conferences.ts,
 * the caller's media carried by a trunk leg).
 *
 * @example
 * const joined = await joinConference(context.conferences, request);
 * if ('seat' in joined) await joined.seat.left;
 */
import type { MediaLeg } from '../media/types.js';
import type { LeaveReason, ParticipantOptions, RoomSettings } from './conference.js';
import type { ConferenceRegistry } from './registry.js';

export interface Seat {
  /** True while the room waits to start (the caller hears the wait document or hold music). */
  readonly waiting: boolean;
  /** Aborts when the room starts or ends. */
  readonly started: AbortSignal;
  /** False once the caller is out of the room. */
  readonly active: boolean;
  /** Settles when the caller is out of the room, with why. */
  readonly left: Promise<LeaveReason>;
  /** Takes the caller out (hung up on star, time limit, the call ending). */
  leave(): void;
}

export interface SeatRequest {
  readonly account: { readonly sid: string; readonly authToken: string };
  readonly name: string;
  readonly settings: RoomSettings;
  readonly callSid: string;
  readonly leg: MediaLeg;
  readonly options: ParticipantOptions;
}

/** A seat, or why there is none: the room is full, or (in a cluster) it could not be reached. */
export type Joined =
  | { readonly seat: Seat }
  | { readonly full: { readonly friendlyName: string; readonly maxParticipants: number } }
  | { readonly unplaced: string };

/** Where rooms live when not all on this node (a cluster's conferences). */
export interface ConferencePlacement {
  join(request: SeatRequest): Promise<Joined>;
}

/** Joins the room on this node. */
export function joinHere(registry: ConferenceRegistry, request: SeatRequest): Joined {
  const room = registry.open(request.account, request.name, request.settings);
  const participant = room.join(request.callSid, request.leg, request.options);
  if (!participant)
    return { full: { friendlyName: room.friendlyName, maxParticipants: room.settings.maxParticipants } };
  return {
    seat: {
      get waiting() {
        return room.status === 'init';
      },
      started: room.started,
      get active() {
        return participant.active;
      },
      left: participant.left,
      leave: () => room.leave(participant, 'left'),
    },
  };
}

/** Joins the room wherever it lives: through the cluster when there is one, else here. */
export function joinConference(registry: ConferenceRegistry, request: SeatRequest): Promise<Joined> {
  return registry.placement ? registry.placement.join(request) : Promise.resolve(joinHere(registry, request));
}
