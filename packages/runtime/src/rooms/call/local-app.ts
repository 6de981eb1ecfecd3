/**
 * The rooms app, answered in-process at `https://rooms.patchbay.invalid` (interpreter/local-apps.ts):
 * the documents a room call's legs run. Each request must come from a call of the room's own
 * account, and a leg's steps only from that leg (its CallSid is the one the roster rang), so
 * another app of the account redirecting a call here gets nothing from it.
 *
 * @example
 * const unmount = runtime.localApps.mount(ROOMS_ORIGIN, roomsApp(deps));
 */
import type { LocalApp } from '../../interpreter/local-apps.js';
import type { RoomRecord } from '../records.js';
import { roomMessage } from '../sms.js';
import type { CommandDeps } from './commands.js';
import { dialIn } from './dial-in.js';
import { goodbye, invitation, join } from './documents.js';
import { parseStep, stepUrl } from './urls.js';

export function roomsApp(deps: CommandDeps): LocalApp {
  return async ({ url, params, accountSid }) => {
    const ref = parseStep(url);
    if (!ref) throw new Error('no such room document');
    const room = await deps.store.get<RoomRecord>('room', accountSid, ref.roomSid);
    if (!room) throw new Error(`no room ${ref.roomSid} in account ${accountSid}`);
    if (ref.step === 'sms') {
      if (params.To !== room.phoneNumber) throw new Error(`only messages to ${room.phoneNumber} reach the room`);
      return roomMessage(deps, room, params);
    }
    if (ref.step === 'dial-in') {
      if (params.To !== room.phoneNumber) throw new Error(`only calls to ${room.phoneNumber} dial in`);
      // In a cluster, the caller reaches the room's call on the node running it.
      const node = await deps.cluster?.dialInNode(room.sid);
      if (deps.cluster && node !== undefined && node !== deps.cluster.nodeId)
        return deps.cluster.dialInThere(node, { accountSid, roomSid: room.sid, params });
      return dialIn(deps, room, params);
    }
    const call = deps.engine.latest(room.sid);
    const entry = call?.sid === ref.callId && ref.key !== undefined ? call.entries.get(ref.key) : undefined;
    if (!call || !entry || entry.callSid !== params.CallSid) throw new Error('not a call this room rang');
    if (call.status !== 'in-progress') return goodbye(`The call for ${room.friendlyName} has ended. Goodbye.`);
    switch (ref.step) {
      case 'invite':
        return invitation(call.caller, room.friendlyName, stepUrl({ ...ref, step: 'answer' }));
      case 'answer':
        if (params.Digits !== '1') return goodbye('Goodbye.');
        return join({ conference: call.conference });
      case 'join':
        return join({
          conference: call.conference,
          ...(entry.key === call.organizerKey && call.pending.length > 0
            ? { greeting: `Connecting you to ${room.friendlyName}. Ringing ${call.pending.length} members.` }
            : {}),
        });
    }
  };
}
