/**
 * Room events: the call started, a person's state changed, the call ended. Emitted in-process
 * (the control channel will carry them) and posted to the room's `statusCallback`, signed like
 * every webhook, through the runtime's callback queue (durable when the server has one), each
 * with a key so a redelivery is recognisable.
 */
import type { Callbacks } from '../../webhooks/callbacks.js';
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
export function callbackParams(event: RoomEvent, at: number): Record<string, string> {
  const { call } = event;
  const params: Record<string, string> = {
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

/** Posts the event to the room's status callback, when it has one. */
export function postEvent(callbacks: Callbacks, event: RoomEvent, at: number): void {
  const { room, account } = event.call;
  if (!room.statusCallback) return;
  callbacks.send({
    url: room.statusCallback,
    method: room.statusCallbackMethod,
    params: callbackParams(event, at),
    authToken: account.authToken,
    key: `${event.call.sid}:${event.call.sequence}`,
  });
}
