/**
 * The room itself changed (docs/rooms.md, room events): its settings (renamed, a new avatar, a
 * setting that changes how its calls run), a member added, removed (by REST, or leaving by
 * themselves) or changed, a schedule added, changed or removed. Each change is one entry in the room's audit log (so the control
 * channel pushes it to every app following the room) and, when the room has a status callback,
 * one signed `room-updated` post to it.
 *
 * A member added keeps its own log type (`member-added`, as before); the status callback gets it
 * as `room-updated` with `Change=member-added`, so a callback sees every change of the member list.
 *
 * @example
 * await updates.changed(room, { change: 'settings', fields: ['FriendlyName'] });
 */
import type { Callbacks } from '../../webhooks/callbacks.js';
import type { RoomRecord } from '../records.js';
import type { AuditFields, RoomAudit } from './audit.js';
import { postToRoom } from './events.js';

export const ROOM_CHANGES = [
  'settings',
  'member-added',
  'member-removed',
  'member-changed',
  'schedule-added',
  'schedule-changed',
  'schedule-removed',
] as const;
export type RoomChange = (typeof ROOM_CHANGES)[number];

export interface RoomUpdate {
  readonly change: RoomChange;
  /** The REST parameters that changed (`FriendlyName`, `AvatarUrl`, `OptedOut`...). */
  readonly fields?: readonly string[];
  readonly memberSid?: string;
  /** The schedule added, changed or removed (rooms/schedules/changes.ts). */
  readonly scheduleSid?: string;
}

export interface RoomUpdates {
  /** Enters the change in the room's log and posts it to the room's status callback. */
  changed(room: RoomRecord, update: RoomUpdate): Promise<void>;
}

/** The REST names (`FriendlyName`, `PhoneNumbers`...) of the record fields `keys` whose values differ. */
export function changedFields<T extends object>(before: T, after: T, keys: readonly (keyof T & string)[]): string[] {
  return keys
    .filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]))
    .map((key) => (key === 'phones' ? 'PhoneNumbers' : key.charAt(0).toUpperCase() + key.slice(1)));
}

/** The log entry of a change. */
export function updateFields(update: RoomUpdate): AuditFields {
  const fields = update.fields && update.fields.length > 0 ? { fields: [...update.fields] } : {};
  const member = update.memberSid ? { memberSid: update.memberSid } : {};
  if (update.change === 'member-added') return { kind: 'event', type: 'member-added', ...member };
  const schedule = update.scheduleSid ? { scheduleSid: update.scheduleSid } : {};
  return { kind: 'event', type: 'room-updated', change: update.change, ...member, ...schedule, ...fields };
}

export function roomUpdates(parts: { readonly audit: RoomAudit; readonly callbacks: Callbacks }): RoomUpdates {
  return {
    async changed(room, update) {
      const entry = await parts.audit.append(room, updateFields(update));
      if (!room.statusCallback) return;
      const params = {
        AccountSid: room.accountSid,
        RoomSid: room.sid,
        StatusCallbackEvent: 'room-updated',
        Change: update.change,
        ...(update.memberSid ? { MemberSid: update.memberSid } : {}),
        ...(update.scheduleSid ? { ScheduleSid: update.scheduleSid } : {}),
        ...(update.fields && update.fields.length > 0 ? { Fields: update.fields.join(',') } : {}),
        FriendlyName: room.friendlyName,
        Timestamp: new Date(entry.createdAt).toISOString(),
        SequenceNumber: String(entry.sequence),
      };
      // The room's log numbers the change: a redelivery carries the same key.
      postToRoom(parts.callbacks, room, params, `${room.sid}:${entry.sequence}`);
    },
  };
}
