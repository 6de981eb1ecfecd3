/** The room call's pure decisions: a person's state from their call and the conference, what the roster means, dialing in. */
import { describe, expect, it } from 'vitest';
import type { ConferenceSnapshot } from '../../conference/conference.js';
import { defaultRoomSettings, type RoomRecord } from '../records.js';
import { decideDialIn } from './dial-in.js';
import { onCallStatus, onConference, type RosterEntry } from './roster.js';
import { type RoomCall, verdict } from './state.js';

const ringing: RosterEntry = {
  key: 'MB1',
  address: '+15550100001',
  role: 'member',
  state: 'ringing',
  muted: false,
  callSid: 'CA1',
};

describe('roster', () => {
  it("follows a call's status until it joins", () => {
    expect(onCallStatus(ringing, 'busy', 0).state).toBe('busy');
    expect(onCallStatus(ringing, 'no-answer', 0).state).toBe('no-answer');
    expect(onCallStatus(ringing, 'canceled', 0).state).toBe('no-answer');
    expect(onCallStatus(ringing, 'failed', 0).state).toBe('failed');
    expect(onCallStatus(ringing, 'completed', 0).state).toBe('declined');
    expect(onCallStatus(ringing, 'in-progress', 0)).toBe(ringing);
    const joined = { ...ringing, state: 'joined' as const };
    expect(onCallStatus(joined, 'completed', 7)).toMatchObject({ state: 'left', leftAt: 7 });
  });

  it('joins, mutes and leaves with the conference', () => {
    const snapshot = (participants: ConferenceSnapshot['participants']): ConferenceSnapshot => ({
      sid: 'CF1',
      accountSid: 'AC1',
      friendlyName: 'room',
      status: 'in-progress',
      createdAt: 0,
      participants,
    });
    const participant = {
      callSid: 'CA1',
      muted: true,
      hold: false,
      coaching: false,
      startConferenceOnEnter: true,
      endConferenceOnExit: false,
      joinedAt: 5,
    };
    const [joined] = onConference([ringing], snapshot([participant]), 6);
    expect(joined).toMatchObject({ state: 'joined', joinedAt: 5, muted: true });
    expect(onConference([joined as RosterEntry], snapshot([participant]), 6)).toEqual([]);
    expect(onConference([joined as RosterEntry], snapshot([]), 9)).toEqual([{ ...joined, state: 'left', leftAt: 9 }]);
  });
});

describe('verdict', () => {
  const call = (entries: RosterEntry[], extra: Partial<RoomCall> = {}): RoomCall => ({
    sid: 'RC1',
    room: { ...defaultRoomSettings() } as RoomRecord,
    account: { sid: 'AC1', authToken: 't' },
    conference: 'room',
    startedAt: 0,
    status: 'in-progress',
    entries: new Map(entries.map((e) => [e.key, e])),
    pending: [],
    timers: {},
    sequence: 0,
    ...extra,
  });
  const organizer = { ...ringing, key: 'MB0', role: 'organizer' as const };
  const plan = { entry: ringing, to: ringing.address, first: 'invite' as const };

  it('rings the others once the organizer joined, ends when the organizer never answered', () => {
    expect(verdict(call([{ ...organizer, state: 'joined' }], { organizerKey: 'MB0', pending: [plan] }))).toEqual({
      type: 'ring-later',
    });
    expect(verdict(call([{ ...organizer, state: 'busy' }], { organizerKey: 'MB0', pending: [plan] }))).toEqual({
      type: 'end',
      reason: 'organizer-unreachable',
    });
  });

  it('ends when the organizer left (when the room says so) or nobody is left; notices someone alone', () => {
    const left = [
      { ...organizer, state: 'left' as const },
      { ...ringing, state: 'joined' as const },
    ];
    expect(verdict(call(left, { organizerKey: 'MB0' }))).toEqual({ type: 'end', reason: 'organizer-left' });
    const stays = call(left, {
      organizerKey: 'MB0',
      room: { ...defaultRoomSettings(), endWhenOrganizerLeaves: false } as RoomRecord,
    });
    expect(verdict(stays)).toEqual({ type: 'go-on', alone: true });
    expect(verdict(call([{ ...ringing, state: 'declined' }]))).toEqual({ type: 'end', reason: 'empty' });
    expect(verdict(call([ringing]))).toEqual({ type: 'go-on', alone: false });
  });
});

describe('dialing in', () => {
  const room = (changes: Partial<RoomRecord> = {}) => ({ ...defaultRoomSettings(), ...changes });
  it('lets members join or start, and non-members by the room policy', () => {
    expect(decideDialIn('member', true, room({ membersMayStart: false }))).toBe('join');
    expect(decideDialIn('member', false, room())).toBe('start-and-ring');
    expect(decideDialIn('member', false, room({ membersMayStart: false }))).toBe('refuse');
    expect(decideDialIn('non-member', true, room())).toBe('join');
    expect(decideDialIn('non-member', false, room())).toBe('refuse');
    expect(decideDialIn('non-member', false, room({ nonMembers: 'admit-and-ring' }))).toBe('start-and-ring');
    expect(decideDialIn('non-member', false, room({ nonMembers: 'admit' }))).toBe('start-alone');
  });
});
