/** For conference tests: the room as soon as a condition holds for it. */
import type { EventEmitter } from 'eventemitter3';
import type { RuntimeEvents } from '../interpreter/types.js';
import type { ConferenceSnapshot } from './conference.js';

/** Resolves with the first update of a room for which `test` holds. */
export function roomWhen(
  events: EventEmitter<RuntimeEvents>,
  test: (room: ConferenceSnapshot) => boolean,
): Promise<ConferenceSnapshot> {
  return new Promise((resolve) => {
    const listener = (room: ConferenceSnapshot) => {
      if (!test(room)) return;
      events.off('conference.updated', listener);
      resolve(room);
    };
    events.on('conference.updated', listener);
  });
}
