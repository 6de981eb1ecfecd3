/**
 * A conference room on the simulated network: members' transcripts note joining, leaving,
 * muting and holds; what a member does is heard by the others (unless it is muted or held; a
 * held member hears nothing), and announcements reach everyone.
 */
import { type Clock, sleep } from '../../clock/clock.js';
import type { MediaLeg, Mixer } from '../../media/types.js';
import type { Outlet, SimulatedLeg, Timing } from './leg.js';
import { lengthOf } from './media.js';

interface Member {
  muted: boolean;
  held: boolean;
}

export function simulatedMixer(room: string, clock: Clock, timing: Timing): Mixer {
  const members = new Map<SimulatedLeg, Member>();
  // One outlet for every member: what one does, the others hear.
  const outlet: Outlet = (media, seen, from) => {
    const state = members.get(from);
    if (!state || state.muted || state.held) return;
    for (const [other, its] of members) if (other !== from && !its.held) other.hear(media, seen);
  };
  return {
    join(leg, { muted }) {
      const member = leg as SimulatedLeg;
      if (members.has(member)) return;
      member.party.note({ type: 'joined', room });
      members.set(member, { muted, held: false });
      member.connect(outlet);
    },
    leave(leg) {
      const member = leg as SimulatedLeg;
      if (!members.delete(member)) return;
      member.disconnect(outlet);
      if (member.active) member.party.note({ type: 'left', room });
    },
    setMuted(leg: MediaLeg, muted) {
      const member = leg as SimulatedLeg;
      const state = members.get(member);
      if (state) state.muted = muted;
      member.party.note({ type: muted ? 'muted' : 'unmuted', room });
    },
    setHeld(leg: MediaLeg, held) {
      const member = leg as SimulatedLeg;
      const state = members.get(member);
      if (state) state.held = held;
      member.party.note({ type: held ? 'held' : 'unheld', room });
    },
    async announce(what, signal) {
      const media =
        'url' in what
          ? ({ kind: 'audio', url: what.url } as const)
          : ({ kind: 'speech', text: what.text, voice: { voice: 'man', language: 'en-US' } } as const);
      for (const member of members.keys()) member.hear(media);
      await sleep(clock, lengthOf(media, timing), signal);
    },
    close() {
      for (const member of members.keys()) member.disconnect(outlet);
      members.clear();
    },
  };
}
