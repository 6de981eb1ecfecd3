/**
 * An account's room policy: stored once it is changed, the defaults until then (members may chat,
 * send media and change their avatar; contacts from anywhere; the standard SMS for new members).
 *
 * @example
 * const policy = await roomPolicy(store, account.sid);
 * if (policy.contactsFromDirectoryOnly) ...
 */
import type { Store } from '../store/types.js';
import { DEFAULT_MEMBER_ADDED_TEMPLATE, type RoomPolicyRecord } from './records.js';

export function defaultPolicy(accountSid: string): RoomPolicyRecord {
  return {
    sid: '',
    accountSid,
    createdAt: 0,
    updatedAt: 0,
    membersMayChat: true,
    membersMaySendMedia: true,
    membersMayChangeAvatar: true,
    contactsFromDirectoryOnly: false,
    memberAddedTemplate: DEFAULT_MEMBER_ADDED_TEMPLATE,
  };
}

export async function roomPolicy(store: Store, accountSid: string): Promise<RoomPolicyRecord> {
  return (await store.findOne<RoomPolicyRecord>('room-policy', { accountSid })) ?? defaultPolicy(accountSid);
}
