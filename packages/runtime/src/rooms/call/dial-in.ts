/**
 * Someone dials the room's number. A member (recognised by caller ID among their numbers) joins
 * the call in progress, or, when none is and the room lets members start one, starts one that
 * rings every other member. A non-member follows the room's `nonMembers` policy: refused unless a
 * call is in progress (`join-in-progress`), let in and the members rung (`admit-and-ring`), or let
 * in without ringing anyone (`admit`). The decision is pure; `dialIn` performs it.
 */

import type { WebhookParams } from '@patchbay/sdk';
import { type AccountRecord, callAccount } from '../../api/auth.js';
import { displayName } from '../contacts.js';
import { roomMembers } from '../members.js';
import { onlineIdentities } from '../online.js';
import type { RoomRecord, RoomSettings } from '../records.js';
import { type CommandDeps, roomCallKey } from './commands.js';
import { goodbye, join } from './documents.js';
import { entryOf, ringPlan } from './ringing.js';
import type { RosterEntry } from './roster.js';
import type { RingPlan } from './state.js';

export type DialInDecision = 'join' | 'start-and-ring' | 'start-alone' | 'refuse';

export function decideDialIn(
  caller: 'member' | 'non-member',
  inProgress: boolean,
  room: Pick<RoomSettings, 'membersMayStart' | 'nonMembers'>,
): DialInDecision {
  if (inProgress) return 'join';
  if (caller === 'member') return room.membersMayStart ? 'start-and-ring' : 'refuse';
  if (room.nonMembers === 'admit-and-ring') return 'start-and-ring';
  return room.nonMembers === 'admit' ? 'start-alone' : 'refuse';
}

/** The document a call dialing `room`'s number runs, after doing what the room's policy says. */
export async function dialIn(deps: CommandDeps, room: RoomRecord, params: WebhookParams): Promise<string> {
  const one = (name: string) => {
    const value = params[name];
    return typeof value === 'string' ? value : '';
  };
  const from = one('From');
  const callSid = one('CallSid');
  const members = await roomMembers(deps.store, room);
  const member = members.find((m) => m.phones.some((phone) => phone.number === from));
  const entry: RosterEntry & { callSid: string } = member
    ? { ...entryOf(member, from, 'ringing'), callSid }
    : { key: callSid, address: from, role: 'guest', state: 'ringing', muted: false, callSid };
  return deps.serial.run(roomCallKey(room.sid), async () => {
    const live = deps.engine.live(room.sid);
    const decision = decideDialIn(member ? 'member' : 'non-member', live !== undefined, room);
    if (decision === 'refuse') return goodbye(`There is no call in progress for ${room.friendlyName}. Goodbye.`);
    if (live) {
      deps.engine.admit(live, entry);
      return join({ conference: live.conference, greeting: `Joining ${room.friendlyName}.` });
    }
    const account = await deps.store.find<AccountRecord>('account', room.accountSid);
    if (account?.status !== 'active') return goodbye('This number cannot take calls now. Goodbye.');
    const plans: RingPlan[] = [];
    if (decision === 'start-and-ring') {
      const online = await onlineIdentities(deps.runtime.devices, room.accountSid, members);
      for (const other of members) {
        if (other === member) continue;
        const plan = ringPlan(other, { online: other.identity !== undefined && online.has(other.identity) });
        if ('to' in plan) plans.push(plan);
      }
    }
    const call = deps.engine.start(room, callAccount(account), {
      plans,
      admitted: entry,
      // Whoever started the call organizes it: their leaving ends it (when the room says so).
      organizerKey: entry.key,
      caller: member ? displayName(member) : from,
    });
    return join({
      conference: call.conference,
      greeting: plans.length > 0 ? `Calling the members of ${room.friendlyName}.` : `Welcome to ${room.friendlyName}.`,
    });
  });
}
