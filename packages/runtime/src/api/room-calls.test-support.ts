/**
 * For room call tests: a room with members on the simulated network (each phone scripted to
 * press 1, decline, be busy or never answer), the roster over REST, and a way to stop virtual
 * time at the moment a condition holds so the roster can be read before anything else happens.
 */

import { expect } from 'vitest';
import type { PartyBehaviour } from '../adapters/simulated/party.js';
import { TERMINAL } from '../calls/call.js';
import type { VirtualClock } from '../clock/virtual.js';
import type { ApiHarness } from './harness.test-support.js';
import { addNumbers, roomsRequest } from './rooms.test-support.js';

export const ROOM_NUMBER = '+15550100900';

export interface MemberSpec {
  readonly name: string;
  readonly phone?: string;
  readonly identity?: string;
  readonly role?: 'organizer' | 'member';
  /** How the member's phone behaves when the room rings it. */
  readonly behaviour?: PartyBehaviour;
}

/** A room (settings as REST form fields) with these members; their SIDs by name. */
export async function roomWith(
  harness: ApiHarness,
  members: readonly MemberSpec[],
  settings: Record<string, string> = {},
): Promise<{ sid: string; members: Record<string, string> }> {
  await addNumbers(harness, ROOM_NUMBER);
  const room = await roomsRequest(harness, 'POST', 'Rooms', { FriendlyName: 'Book club', ...settings });
  const sid = room.json.sid as string;
  const sids: Record<string, string> = {};
  for (const member of members) {
    if (member.phone) harness.network.addNumber(member.phone, member.behaviour ?? {});
    const added = await roomsRequest(harness, 'POST', `Rooms/${sid}/Members`, {
      FirstName: member.name,
      ...(member.phone ? { PhoneNumber: member.phone } : {}),
      ...(member.identity ? { Identity: member.identity } : {}),
      ...(member.role ? { Role: member.role } : {}),
    });
    if (added.status !== 201) throw new Error(`member ${member.name}: ${JSON.stringify(added.json)}`);
    sids[member.name] = added.json.sid as string;
  }
  return { sid, members: sids };
}

export interface RosterRow {
  readonly key: string;
  readonly member_sid: string | null;
  readonly call_sid: string | null;
  readonly display_name: string | null;
  readonly address: string;
  readonly role: string;
  readonly state: string;
  readonly muted: boolean;
}

export async function roster(
  harness: ApiHarness,
  roomSid: string,
): Promise<{ status: number; json: Record<string, unknown>; byName: Record<string, RosterRow> }> {
  const answer = await roomsRequest(harness, 'GET', `Rooms/${roomSid}/Call`);
  const rows = (answer.json.participants ?? []) as RosterRow[];
  return { ...answer, byName: Object.fromEntries(rows.map((row) => [row.display_name ?? row.address, row])) };
}

/**
 * Resolves, with the clock held (time stands still), the first time `test` holds after a call's
 * status or a conference changed; call the returned function to let time run again. The rooms
 * engine listens first, so its roster already shows the change.
 */
export function pauseWhen(harness: ApiHarness, clock: VirtualClock, test: () => boolean): Promise<() => void> {
  const { events } = harness.runtime;
  return new Promise((resolve) => {
    const check = () => {
      if (!test()) return;
      events.off('call.status', check);
      events.off('conference.updated', check);
      resolve(clock.hold());
    };
    events.on('call.status', check);
    events.on('conference.updated', check);
    check();
  });
}

/** Whether each call has ended or is in a conference (nobody is still being rung or deciding). */
export function settled(harness: ApiHarness, callSids: readonly string[], conferenceSize: number): boolean {
  const ended = callSids.filter((sid) => {
    const status = harness.runtime.calls.get(sid)?.status;
    return status !== undefined && TERMINAL.has(status);
  }).length;
  const inRoom = harness.runtime.conferences.list({ status: 'in-progress' })[0]?.participants.length ?? 0;
  return inRoom === conferenceSize && ended + inRoom === callSids.length;
}

/** How many are in the room's conference now (the one not over; 0 when none). */
export function inRoom(harness: ApiHarness): number {
  return harness.runtime.conferences.list().find((room) => room.status !== 'completed')?.participants.length ?? 0;
}

/** A text from `from` to the room's number, through the Simulator: what it answered. */
export async function text(harness: ApiHarness, from: string, body: string) {
  const auth = Buffer.from(`${harness.account.sid}:${harness.account.authToken}`).toString('base64');
  const response = await fetch(`${harness.base}/2010-04-01/Accounts/${harness.account.sid}/Simulator/Messages.json`, {
    method: 'POST',
    headers: { authorization: `Basic ${auth}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ To: ROOM_NUMBER, From: from, Body: body }),
  });
  expect(response.status).toBe(201);
  const json = (await response.json()) as { replies: { body: string; from: string; to: string }[]; error?: unknown };
  expect(json.error ?? null).toBeNull();
  return json.replies.map((reply) => [reply.from, reply.to, reply.body]);
}
