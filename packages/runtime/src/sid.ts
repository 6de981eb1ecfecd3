/** Resource identifiers in the familiar shape: a two-letter prefix and 32 hex digits. */
import { randomBytes } from 'node:crypto';

export type SidPrefix =
  | 'AC'
  | 'CA'
  | 'CF'
  | 'QU'
  | 'RE'
  | 'SM'
  | 'MM'
  | 'SK'
  | 'AP'
  | 'PN'
  | 'NO'
  /** SIP: domains, credential lists, credentials, IP access control lists, IP addresses. */
  | 'SD'
  | 'CL'
  | 'CR'
  | 'AL'
  | 'IP'
  /** Voice v1: BYOC trunks, connection policies, their targets. */
  | 'BY'
  | 'NY'
  | 'NE'
  /** Rooms (docs/rooms.md): rooms, their members, the operator's directory entries, account room policies. */
  | 'RM'
  | 'MB'
  | 'DE'
  | 'RP'
  /** A room's call (one conference, its roster). */
  | 'RC'
  /** A room's scheduled call. */
  | 'RS'
  /** A room's audit log: one entry per command and event (rooms/call/audit.ts). */
  | 'RV'
  /** A room's chat: a message, a member's phone verification (rooms/chat). */
  | 'RT'
  | 'RF'
  /** Devices bound to a number or email (devices/records.ts), their pending registrations, each account's device settings. */
  | 'DV'
  | 'DR'
  | 'DS'
  /** A command for a device (devices/commands/records.ts). */
  | 'DC';

export function newSid(prefix: SidPrefix): string {
  return prefix + randomBytes(16).toString('hex');
}

const SID = /^[A-Z]{2}[0-9a-f]{32}$/;

export function isSid(value: string, prefix?: SidPrefix): boolean {
  return SID.test(value) && (prefix === undefined || value.startsWith(prefix));
}
