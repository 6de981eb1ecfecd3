/**
 * What a member's own app does in their room over the control channel, with no organizer grant
 * (the token's identity names the member; docs/rooms.md, the control channel): `join-call` rings
 * them into the room's call in progress (their app, as members are rung, or with `phone` their
 * number), like the organizer's `add` for themselves; `update-profile` changes their own name and
 * avatar (the avatar only where the account's policy lets members: `MembersMayChangeAvatar`),
 * a `room-updated` member change after it. Each is one command in the room's log.
 *
 * @example
 * await runJoin(deps, room, member, { phone: true });
 * await runProfile(deps, room, member, { firstName: 'Ann', avatarUrl: 'https://example.com/a.png' });
 */
import { notFound, RestError } from '../../api/http.js';
import { applyContact, contactChanges } from '../contacts.js';
import { isOnline } from '../online.js';
import { roomPolicy } from '../policy.js';
import type { RoomMemberRecord, RoomRecord } from '../records.js';
import { type CommandDeps, noCall, roomCallKey, runAudited } from './commands.js';
import { ringPlan } from './ringing.js';
import { changedFields } from './room-updates.js';
import { LIVE_STATES } from './roster.js';

export interface ProfileChanges {
  readonly firstName?: string | undefined;
  readonly lastName?: string | undefined;
  /** An http(s) URL, or '' to remove it. */
  readonly avatarUrl?: string | undefined;
}

const command = (type: string, memberSid: string) =>
  ({ kind: 'command', type, participantKey: memberSid, memberSid, outcome: 'pending', source: 'channel' }) as const;

/** Rings the member into the room's call in progress; resolves with the command's sequence number. */
export async function runJoin(
  deps: CommandDeps,
  room: RoomRecord,
  member: RoomMemberRecord,
  options: { readonly phone?: boolean | undefined },
): Promise<number | undefined> {
  const { sequence } = await runAudited(deps, room, command('join-call', member.sid), () =>
    deps.serial.run(roomCallKey(room.sid), async () => {
      const call = deps.engine.live(room.sid);
      if (!call) throw noCall(room);
      // Already ringing, in the call or waiting to be rung: joining again changes nothing.
      if (LIVE_STATES.has(call.entries.get(member.sid)?.state ?? 'left')) return;
      if (member.optedOut)
        throw new RestError(400, 91112, `${member.sid} opted out of the room's calls: text START to the room first`);
      if (options.phone && member.phones.length === 0)
        throw new RestError(400, 91106, `${member.sid} has no phone number to ring`);
      const online = await isOnline(deps.runtime.devices, room.accountSid, member);
      const plan = ringPlan(member, { online, phone: options.phone === true });
      if ('to' in plan) deps.engine.ringOrQueue(call, [plan]);
    }),
  );
  return sequence;
}

const PROFILE_FIELDS = ['firstName', 'lastName', 'avatarUrl'] as const;

/** Changes the member's own name and avatar; resolves with the command's sequence number. */
export async function runProfile(
  deps: CommandDeps,
  room: RoomRecord,
  member: RoomMemberRecord,
  profile: ProfileChanges,
): Promise<number | undefined> {
  let fields: string[] = [];
  const { sequence } = await runAudited(deps, room, command('update-profile', member.sid), async () => {
    // The same checks as REST's POST .../Members/{Sid}: lengths, http(s) avatars only.
    const form: Record<string, string> = {};
    if (profile.firstName !== undefined) form.FirstName = profile.firstName;
    if (profile.lastName !== undefined) form.LastName = profile.lastName;
    if (profile.avatarUrl !== undefined) form.AvatarUrl = profile.avatarUrl;
    const changes = contactChanges(form);
    if (changes.avatarUrl !== undefined && (changes.avatarUrl ?? undefined) !== member.avatarUrl) {
      const policy = await roomPolicy(deps.store, room.accountSid);
      if (!policy.membersMayChangeAvatar && member.role !== 'organizer')
        throw new RestError(
          403,
          91107,
          "the account's room policy does not let members change their avatar (MembersMayChangeAvatar)",
        );
    }
    const updated = await deps.serial.run(room.sid, () =>
      deps.store.update<RoomMemberRecord>('room-member', room.accountSid, member.sid, (current) =>
        applyContact({ ...current, updatedAt: deps.runtime.clock.now() }, changes),
      ),
    );
    if (!updated) throw notFound(member.sid);
    fields = changedFields(member, updated, PROFILE_FIELDS);
  });
  if (fields.length > 0) await deps.updates?.changed(room, { change: 'member-changed', memberSid: member.sid, fields });
  return sequence;
}
