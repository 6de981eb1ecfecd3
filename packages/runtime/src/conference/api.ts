/**
 * Programmatic control of conferences: list and inspect rooms, end them, announce, and manage
 * participants (mute, hold, announce to one, kick, add by dialing out).
 */
import type { CallRecord } from '../calls/call.js';
import type { Clock } from '../clock/clock.js';
import { PatchbayError } from '../errors.js';
import { paced } from '../verbs/pacing.js';
import type { ConferenceEvent, ConferenceSnapshot, Participant } from './conference.js';
import type { ConferenceRegistry } from './registry.js';

export interface AddParticipant {
  readonly to: string;
  readonly from: string;
  readonly muted?: boolean;
  readonly beep?: boolean;
  readonly startConferenceOnEnter?: boolean;
  readonly endConferenceOnExit?: boolean;
  readonly label?: string;
  readonly coach?: string;
  readonly timeout?: number;
  readonly statusCallback?: string;
}

export interface ParticipantUpdate {
  readonly muted?: boolean;
  readonly hold?: boolean;
  /** Music played to the participant while held (looped until unheld). */
  readonly holdUrl?: string;
  /** Played to this participant only. */
  readonly announceUrl?: string;
  /** Whether the room ends when this participant leaves. */
  readonly endConferenceOnExit?: boolean;
}

export interface ConferencesApi {
  list(filter?: {
    accountSid?: string;
    status?: ConferenceSnapshot['status'];
    friendlyName?: string;
  }): ConferenceSnapshot[];
  /**
   * The account's live room with this name, made (empty, waiting) when there is none, with the
   * given status callback: how the REST API adds a participant to a room nobody has dialed yet.
   */
  open(
    account: { readonly sid: string; readonly authToken: string },
    friendlyName: string,
    statusCallback?: { url: string; method: 'GET' | 'POST'; events: readonly ConferenceEvent[] },
  ): { room: ConferenceSnapshot; created: boolean };
  /** A room by SID; with `accountSid`, only that account's. */
  get(sid: string, accountSid?: string): ConferenceSnapshot | undefined;
  /** Ends the room (ReasonConferenceEnded conference-ended-via-api). */
  end(sid: string): ConferenceSnapshot;
  /** Plays a URL or speaks text to the whole room. */
  announce(sid: string, what: { url: string } | { text: string }): Promise<void>;
  participants: {
    update(sid: string, callSid: string, update: ParticipantUpdate): Promise<ConferenceSnapshot>;
    kick(sid: string, callSid: string): ConferenceSnapshot;
    /** Dials `to` and joins it to the room when it answers. */
    add(sid: string, participant: AddParticipant): CallRecord;
  };
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
}

export function conferencesApi(
  clock: Clock,
  registry: ConferenceRegistry,
  createCall: (params: {
    account: { readonly sid: string; readonly authToken: string };
    to: string;
    from: string;
    twiml: string;
    timeout?: number;
    statusCallback?: string;
  }) => CallRecord,
): ConferencesApi {
  const holdMusic = new WeakMap<Participant, AbortController>();
  const playWhileHeld = (participant: Participant, url: string) => {
    const controller = new AbortController();
    holdMusic.set(participant, controller);
    void paced(clock, controller.signal, async () => {
      if (!participant.active || !participant.held) return false;
      await participant.leg.play(url, controller.signal).catch(() => undefined);
      return true;
    });
  };
  const room = (sid: string) => {
    const found = registry.get(sid);
    if (!found) throw new PatchbayError('call-not-found', `no conference ${sid}`);
    return found;
  };
  const live = (sid: string) => {
    const found = room(sid);
    if (found.status === 'completed') throw new PatchbayError('invalid-call-state', `conference ${sid} has ended`);
    return found;
  };
  const participantOf = (sid: string, callSid: string) => {
    const participant = live(sid).participant(callSid);
    if (!participant) throw new PatchbayError('call-not-found', `no participant ${callSid} in conference ${sid}`);
    return participant;
  };
  return {
    list: (filter) => registry.list(filter),
    open(account, friendlyName, statusCallback) {
      const existing = registry.named(account.sid, friendlyName);
      if (existing) return { room: existing.snapshot(), created: false };
      const room = registry.open(account, friendlyName, {
        maxParticipants: 250,
        record: false,
        statusCallback: statusCallback?.url,
        statusCallbackMethod: statusCallback?.method ?? 'POST',
        statusCallbackEvents: new Set(statusCallback?.events ?? []),
      });
      return { room: room.snapshot(), created: true };
    },
    get: (sid, accountSid) => registry.get(sid, accountSid)?.snapshot(),
    end(sid) {
      const found = live(sid);
      found.end('conference-ended-via-api');
      return found.snapshot();
    },
    announce: (sid, what) => live(sid).announce(what),
    participants: {
      async update(sid, callSid, update) {
        const found = live(sid);
        const participant = participantOf(sid, callSid);
        if (update.muted !== undefined) found.setMuted(participant, update.muted);
        if (update.hold !== undefined) {
          found.setHeld(participant, update.hold);
          holdMusic.get(participant)?.abort(new Error('unheld'));
          holdMusic.delete(participant);
          if (update.hold && update.holdUrl !== undefined) playWhileHeld(participant, update.holdUrl);
        }
        if (update.endConferenceOnExit !== undefined) found.setEndOnExit(participant, update.endConferenceOnExit);
        if (update.announceUrl !== undefined)
          await participant.leg.play(update.announceUrl, new AbortController().signal);
        return found.snapshot();
      },
      kick(sid, callSid) {
        const found = live(sid);
        found.leave(participantOf(sid, callSid), 'kicked');
        return found.snapshot();
      },
      add(sid, p) {
        const found = live(sid);
        const attributes = [
          p.muted === undefined ? '' : ` muted="${p.muted}"`,
          p.beep === undefined ? '' : ` beep="${p.beep}"`,
          p.startConferenceOnEnter === undefined ? '' : ` startConferenceOnEnter="${p.startConferenceOnEnter}"`,
          p.endConferenceOnExit === undefined ? '' : ` endConferenceOnExit="${p.endConferenceOnExit}"`,
          p.label === undefined ? '' : ` participantLabel="${escapeXml(p.label)}"`,
          p.coach === undefined ? '' : ` coach="${escapeXml(p.coach)}"`,
        ].join('');
        const twiml = `<Response><Dial><Conference${attributes}>${escapeXml(found.friendlyName)}</Conference></Dial></Response>`;
        return createCall({
          account: found.account,
          to: p.to,
          from: p.from,
          twiml,
          ...(p.timeout === undefined ? {} : { timeout: p.timeout }),
          ...(p.statusCallback === undefined ? {} : { statusCallback: p.statusCallback }),
        });
      },
    },
  };
}
