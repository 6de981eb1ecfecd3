/**
 * Room events: the call started, a person's state changed, the call ended. Emitted in-process
 * (the control channel will carry them) and posted to the room's `statusCallback`, signed like
 * every webhook, through the runtime's callback queue (durable when the server has one), each
 * with a key so a redelivery is recognisable.
 */
import type { Store } from '../../store/types.js';
import type { Callbacks } from '../../webhooks/callbacks.js';
import type { RoomRecord } from '../records.js';
import type { RoomCallRecord } from './persist.js';
import type { RosterEntry } from './roster.js';
import type { RoomCall } from './state.js';

export type RoomEvent =
  | { readonly type: 'call-started'; readonly call: RoomCall }
  | { readonly type: 'member-updated'; readonly call: RoomCall; readonly entry: RosterEntry }
  | { readonly type: 'call-ended'; readonly call: RoomCall };

export interface RoomCallEvents {
  event: (event: RoomEvent) => void;
}

/** The status callback's parameters for one event (PascalCase, as every webhook). */
export function callbackParams(event: RoomEvent, at: number): Record<string, string> & { AccountSid: string } {
  const { call } = event;
  const params: Record<string, string> & { AccountSid: string } = {
    AccountSid: call.room.accountSid,
    RoomSid: call.room.sid,
    RoomCallSid: call.sid,
    StatusCallbackEvent: event.type,
    Timestamp: new Date(at).toISOString(),
    SequenceNumber: String(call.sequence),
  };
  if (event.type === 'member-updated') {
    const { entry } = event;
    Object.assign(params, {
      ParticipantKey: entry.key,
      ...(entry.memberSid ? { MemberSid: entry.memberSid } : {}),
      ...(entry.callSid ? { CallSid: entry.callSid } : {}),
      Address: entry.address,
      State: entry.state,
      Muted: String(entry.muted),
    });
  }
  if (event.type === 'call-ended' && call.endReason) params.Reason = call.endReason;
  if (event.type === 'call-ended' && call.error)
    Object.assign(params, { ErrorCode: String(call.error.code), ErrorMessage: call.error.message });
  return params;
}

/**
 * Posts one of the room's events to its status callback, when it has one: every room event
 * (calls, room changes, chat messages) goes through here, keyed so a redelivery is recognisable.
 * The queue signs it with the current token of the account in `params.AccountSid`.
 */
export function postToRoom(
  callbacks: Callbacks,
  room: Pick<RoomRecord, 'statusCallback' | 'statusCallbackMethod'>,
  params: Record<string, string> & { readonly AccountSid: string },
  key: string,
): void {
  if (!room.statusCallback) return;
  callbacks.send({ url: room.statusCallback, method: room.statusCallbackMethod, params, key });
}

/** Posts the event to the room's status callback, when it has one. */
export function postEvent(callbacks: Callbacks, event: RoomEvent, at: number): void {
  postToRoom(callbacks, event.call.room, callbackParams(event, at), `${event.call.sid}:${event.call.sequence}`);
}

/**
 * Posts `call-ended` with `Reason=server-restart` for a call the server stopped running when it
 * died (rooms/call/persist.ts recovers it at the next start), keyed by the room call and its end
 * so a redelivery is recognisable. It has no `SequenceNumber`: the call's own count of events
 * died with the process (the stored roster may lag its last half second).
 */
export async function postRecovered(
  parts: { readonly store: Store; readonly callbacks: Callbacks },
  record: RoomCallRecord,
): Promise<void> {
  const room = await parts.store.get<RoomRecord>('room', record.accountSid, record.roomSid);
  if (!room?.statusCallback) return;
  const params = {
    AccountSid: record.accountSid,
    RoomSid: record.roomSid,
    RoomCallSid: record.sid,
    StatusCallbackEvent: 'call-ended',
    Reason: 'server-restart',
    Timestamp: new Date(record.endedAt ?? record.updatedAt).toISOString(),
  };
  postToRoom(parts.callbacks, room, params, `${record.sid}:server-restart`);
}
