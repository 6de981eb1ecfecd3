/**
 * For rooms control channel tests: a harness on virtual time whose device sessions outlive the
 * clock running ahead, access tokens with or without a rooms grant, every entry a `Room`
 * delivers (and a way to await a member's state), and the typed error a request was refused with.
 */
import { AccessToken, RoomsGrant } from '@patchbay/sdk';
import type { DeviceOptions, Room, RoomMember } from '@patchbay/sdk/client';
import type { RoomEntry } from '@patchbay/sdk/protocol';
import type { DeviceBridge } from '../bridge/bridge.js';
import { deviceFor, type Key, newKey, until } from '../bridge/devices.test-support.js';

export { refusal } from '../bridge/devices.test-support.js';

import { VirtualClock } from '../clock/virtual.js';
import type { ApiHarness, ApiHarnessOptions } from './harness.test-support.js';
import { type MemberSpec, roomWith } from './room-calls.test-support.js';

export const PRESS_1 = { inputs: [{ digits: '1' }] };
const HOUR = 3_600_000;

/** A harness on virtual time (from now: devices check tokens on the real clock), a room with these members, an API key. */
export async function channelSetup(
  startHarness: (options?: ApiHarnessOptions) => Promise<ApiHarness>,
  members: readonly MemberSpec[],
  settings: Record<string, string> = {},
  options: ApiHarnessOptions = {},
) {
  const clock = new VirtualClock(Date.now());
  const harness = await startHarness({
    clock,
    networkClock: clock,
    devices: { heartbeatMs: 12 * HOUR, resumeMs: 12 * HOUR },
    ...options,
  });
  const room = await roomWith(harness, members, settings);
  return { clock, harness, room, key: await newKey(harness) };
}

export function token(clock: VirtualClock, accountSid: string, key: Key, identity: string, grant?: RoomsGrant): string {
  const built = new AccessToken(accountSid, key.sid, key.secret, {
    identity,
    ttl: 86_400,
    iat: Math.floor(clock.now() / 1000),
  });
  if (grant) built.addGrant(grant);
  return built.toJwt();
}

/** A device on `transport` whose token follows the room (a grant without organizer), and its `Room`. */
export function follower(
  parts: { clock: VirtualClock; harness: ApiHarness; key: Key },
  roomSid: string,
  transport: NonNullable<DeviceOptions['transport']>,
) {
  const grant = new RoomsGrant({ rooms: [roomSid] });
  const device = deviceFor(parts.harness, token(parts.clock, parts.harness.account.sid, parts.key, 'olga', grant), {
    transport,
  });
  return { device, room: device.room(roomSid) };
}

/** Every entry the room delivers, and a way to await the first one matching. */
export function watch(room: Room) {
  const entries: RoomEntry[] = [];
  room.on('entry', (entry) => entries.push(entry));
  const members: RoomMember[] = [];
  room.on('member', (m) => members.push(m));
  /** Resolves once the member was (or is) seen as `match` says. */
  const member = (key: string, match: (member: RoomMember) => boolean) =>
    members.some((m) => m.key === key && match(m))
      ? Promise.resolve()
      : until(room, 'member', (m) => m.key === key && match(m)).then(() => undefined);
  return { entries, member };
}

export const bridgeOf = (harness: ApiHarness) => harness.runtime.devices as DeviceBridge;
