/**
 * What nodes say to each other about conferences split across them (cluster/conferences.ts):
 * the methods, and their bodies as they cross the bus (JSON: a room's set of events is a list).
 */
import { isIP } from 'node:net';
import type { ConferenceEvent, LeaveReason, ParticipantOptions, RoomSettings } from '../conference/conference.js';
import { PatchbayError } from '../errors.js';
import type { RtpEndpoint } from '../media/types.js';

export const METHODS = {
  /** Guest → host: seat this call in the room (made when there is none). */
  join: 'conference.join',
  /** Guest → host: the caller is out (hung up, pressed star, time limit). */
  leave: 'conference.leave',
  /** Host → guest: the room started (the caller stops its wait music). */
  started: 'conference.started',
  /** Host → guest: the caller is out of the room (kicked, the room ended). */
  left: 'conference.left',
  /** Either way: media for the other end of a caller's trunk (frames; RTP goes engine to engine). */
  frame: 'conference.frame',
} as const;

export interface WireSettings extends Omit<RoomSettings, 'statusCallbackEvents'> {
  readonly statusCallbackEvents: readonly ConferenceEvent[];
}

export interface JoinBody extends CallBody {
  readonly account: { readonly sid: string; readonly authToken: string };
  readonly name: string;
  readonly settings: WireSettings;
  readonly options: ParticipantOptions;
  /** Real media: where the caller's node receives the trunk's RTP (absent: frames over the bus). */
  readonly rtp?: RtpEndpoint;
}

export type JoinAnswer =
  | { readonly sid: string; readonly waiting: boolean; readonly rtp?: RtpEndpoint }
  | { readonly full: { readonly friendlyName: string; readonly maxParticipants: number } };

/**
 * Which seat a message is about: the call, and the seat's own id. A call that leaves a room and
 * dials it again has a new seat, so a late message about its old one is recognised and dropped.
 */
export interface CallBody {
  readonly callSid: string;
  readonly seat: string;
}

export interface LeftBody extends CallBody {
  readonly reason: LeaveReason;
}

export interface FrameBody extends CallBody {
  readonly frame: unknown;
}

export const toWire = (settings: RoomSettings): WireSettings => ({
  ...settings,
  statusCallbackEvents: [...settings.statusCallbackEvents],
});

export const fromWire = (settings: WireSettings): RoomSettings => ({
  ...settings,
  statusCallbackEvents: new Set(settings.statusCallbackEvents),
});

/** An RTP endpoint as another node sent it: an IP address (never the unspecified one) and a port. */
export function rtpEndpoint(value: unknown, where: string): RtpEndpoint {
  const { address, port } = (value ?? {}) as Partial<Record<string, unknown>>;
  const ok =
    typeof address === 'string' &&
    isIP(address) !== 0 &&
    address !== '0.0.0.0' &&
    address !== '::' &&
    typeof port === 'number' &&
    Number.isInteger(port) &&
    port > 0 &&
    port < 65_536;
  if (!ok)
    throw new PatchbayError('conference-placement-failed', `${where}: not an RTP endpoint: ${JSON.stringify(value)}`);
  return { address, port };
}
