/**
 * Which members have the app online, anywhere in the cluster: a member with a device registered on
 * any live node is rung in the app, not on their phone, and gets chat in the app, not by SMS (on
 * one node, or when the bus cannot be asked, this node's devices alone).
 *
 * @example
 * const online = await onlineIdentities(runtime.devices, room.accountSid, members);
 * online.has(member.identity ?? '');
 */
import type { DeviceBridge } from '../bridge/bridge.js';
import type { PresenceRecord } from '../bridge/presence.js';

type Presence = Pick<DeviceBridge, 'presenceOf' | 'presenceEverywhere'> | undefined;

export async function onlineIdentities(
  devices: Presence,
  accountSid: string,
  members: readonly { readonly identity?: string | undefined }[],
): Promise<ReadonlySet<string>> {
  const records = await presenceOfMembers(devices, accountSid, members);
  return new Set([...records.values()].filter((record) => record.status === 'online').map((record) => record.identity));
}

/** The members' presence by identity, as the cluster has it (see `onlineIdentities`). */
export async function presenceOfMembers(
  devices: Presence,
  accountSid: string,
  members: readonly { readonly identity?: string | undefined }[],
): Promise<ReadonlyMap<string, PresenceRecord>> {
  const identities = [...new Set(members.flatMap((member) => (member.identity ? [member.identity] : [])))];
  if (!devices || identities.length === 0) return new Map();
  const records = await devices
    .presenceEverywhere(accountSid, identities)
    .catch(() => identities.flatMap((identity) => devices.presenceOf(accountSid, identity)));
  return new Map(records.map((record) => [record.identity, record]));
}

/** Whether the member has the app online (see `onlineIdentities`). */
export async function isOnline(
  devices: Presence,
  accountSid: string,
  member: { readonly identity?: string | undefined },
): Promise<boolean> {
  return member.identity !== undefined && (await onlineIdentities(devices, accountSid, [member])).has(member.identity);
}
