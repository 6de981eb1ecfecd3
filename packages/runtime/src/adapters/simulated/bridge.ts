/**
 * A bridge between two legs of the simulated network: each party hears what the other does, both
 * transcripts note the bridge and its end (by a party still on the line), and a recorded bridge
 * gives silence as long as it lasted.
 *
 * @example
 * const bridge = simulatedBridge(agentLeg, callerLeg, clock, { record: true });
 * const recording = bridge.close(); // { audio, durationMs, endedBy: 'hangup' }
 */
import type { Clock } from '../../clock/clock.js';
import type { Bridge, BridgeOptions } from '../../media/types.js';
import { silentWav } from '../../media/wav.js';
import type { Outlet, SimulatedLeg } from './leg.js';

export function simulatedBridge(left: SimulatedLeg, right: SimulatedLeg, clock: Clock, options: BridgeOptions): Bridge {
  left.party.note({ type: 'bridged', with: right.party.address });
  right.party.note({ type: 'bridged', with: left.party.address });
  // Each hears what the other does.
  const toRight: Outlet = (media, seen) => right.hear(media, seen);
  const toLeft: Outlet = (media, seen) => left.hear(media, seen);
  left.connect(toRight);
  right.connect(toLeft);
  const started = clock.now();
  let open = true;
  return {
    close: () => {
      if (!open) return undefined;
      open = false;
      left.disconnect(toRight);
      right.disconnect(toLeft);
      if (left.active) left.party.note({ type: 'unbridged', with: right.party.address });
      if (right.active) right.party.note({ type: 'unbridged', with: left.party.address });
      if (!options.record) return undefined;
      const durationMs = clock.now() - started;
      return { audio: silentWav(durationMs), durationMs, endedBy: 'hangup' };
    },
  };
}
