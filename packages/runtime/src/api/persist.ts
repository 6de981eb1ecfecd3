/**
 * Keeps the store in step with the runtime: every call record is written when the call is
 * created and at each status change, so lists and fetches (and restarts) see it.
 */
import type { CallRecord } from '../calls/call.js';
import type { Runtime } from '../runtime.js';
import type { Store } from '../store/types.js';

export function persistCalls(
  runtime: Pick<Runtime, 'events'>,
  store: Store,
  onError: (error: unknown) => void,
): () => void {
  const write = (call: CallRecord) => {
    store.put('call', call).catch(onError);
  };
  runtime.events.on('call.created', write);
  runtime.events.on('call.status', write);
  runtime.events.on('call.error', write);
  return () => {
    runtime.events.off('call.created', write);
    runtime.events.off('call.status', write);
    runtime.events.off('call.error', write);
  };
}
