import { runBusConformance } from '../testing/bus-conformance.js';
import { BusHub, InProcessBus } from './bus-memory.js';

runBusConformance('in-process', async () => {
  const hub = new BusHub();
  return { node: (nodeId, lease) => new InProcessBus({ nodeId, hub, ...lease }), close: async () => {} };
});
