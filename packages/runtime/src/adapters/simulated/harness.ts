/** The simulated network's conformance harness: far ends are numbers added with a behaviour. */
import { VirtualClock } from '../../clock/virtual.js';
import type { MediaLeg } from '../../media/types.js';
import type { AdapterHarness } from '../../testing/media-conformance.js';
import type { SimulatedLeg } from './leg.js';
import { SimulatedNetwork } from './network.js';

export function simulatedHarness(): AdapterHarness {
  const clock = new VirtualClock();
  const network = new SimulatedNetwork({ clock });
  let next = 1000;
  return {
    adapter: network,
    clock,
    farEnd(behaviour) {
      const number = `+1555010${next++}`;
      network.addNumber(number, behaviour);
      return { kind: 'number', value: number };
    },
    inbound(behaviour) {
      return new Promise<MediaLeg>((resolve) => {
        network.events.once('incoming', (leg) => resolve(leg));
        network.call({ from: `+1555020${next++}`, to: '+15550009999', ...behaviour });
      });
    },
    heard(leg) {
      return (leg as SimulatedLeg).party.transcript.flatMap((entry) => {
        switch (entry.type) {
          case 'heard-speech':
            return [`speech:${entry.text}`];
          case 'heard-audio':
            return [`audio:${entry.url}`];
          case 'heard-digits':
            // A pause (w) is not heard.
            return [`digits:${entry.digits.replace(/w/gi, '')}`];
          case 'heard-beep':
            return ['beep'];
          default:
            return [];
        }
      });
    },
    close: () => network.close(),
  };
}
