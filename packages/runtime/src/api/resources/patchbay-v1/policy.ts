/**
 * /patchbay/v1/RoomPolicy: the account's rules for its rooms (managed deployments): whether
 * members may chat, send media or change their avatar, whether contacts come only from the
 * operator's directory, and the SMS new members get.
 */
import { roomPolicy } from '../../../rooms/policy.js';
import { ROOM_LIMITS, type RoomPolicyRecord } from '../../../rooms/records.js';
import { newSid } from '../../../sid.js';
import { bool, field, invalid } from '../../http.js';
import type { Resource } from '../context.js';
import type { RoomsApi } from './index.js';
import { policyJson } from './json.js';

const FLAGS = {
  MembersMayChat: 'membersMayChat',
  MembersMaySendMedia: 'membersMaySendMedia',
  MembersMayChangeAvatar: 'membersMayChangeAvatar',
  ContactsFromDirectoryOnly: 'contactsFromDirectoryOnly',
} as const;

export const policyResource =
  (api: RoomsApi): Resource =>
  async (context) => {
    const { store, account, rest, publicUrl, method, now } = context;
    if (rest !== 'RoomPolicy') return undefined;
    if (method === 'GET') return { status: 200, body: policyJson(await roomPolicy(store, account.sid), publicUrl) };
    if (method !== 'POST') return undefined;
    const form = await context.form();
    const changes: Partial<Record<keyof RoomPolicyRecord, unknown>> = {};
    for (const [name, key] of Object.entries(FLAGS)) {
      const value = bool(form, name);
      if (value !== undefined) changes[key] = value;
    }
    const template = field(form, 'MemberAddedTemplate');
    if (template !== undefined) {
      if (template.trim() === '' || template.length > ROOM_LIMITS.templateLength)
        throw invalid(21200, 'MemberAddedTemplate', `must be 1 to ${ROOM_LIMITS.templateLength} characters`);
      changes.memberAddedTemplate = template;
    }
    const saved = await api.serial.run(`policy:${account.sid}`, async () => {
      const current = await roomPolicy(store, account.sid);
      const next = {
        ...current,
        ...changes,
        sid: current.sid || newSid('RP'),
        createdAt: current.createdAt || now,
        updatedAt: now,
      } as RoomPolicyRecord;
      await store.put('room-policy', next);
      return next;
    });
    return { status: 200, body: policyJson(saved, publicUrl) };
  };
