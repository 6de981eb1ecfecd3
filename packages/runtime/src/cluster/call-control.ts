/**
 * Call control across nodes: a REST change to a call (redirect with Url or Twiml, hang up with
 * Status, new fallback or status callback) that reaches a node not running the call is sent to
 * the node that does, over the bus, and answered as that node answers: the same status codes,
 * the same JSON. When that node is gone the answer is 503 with 91301 (its survivor ends the call
 * shortly); when it does not answer in time, 504 with 91302.
 *
 * @example
 * serveCallControl(bus, runtime); // on every node
 * const owner = ownerOf(stored);   // in the Calls resource, for a call this node does not run
 * if (owner && owner !== bus.nodeId) return await updateRemoteCall(bus, owner, accountSid, sid, params);
 */
import { RestError } from '../api/http.js';
import { restError } from '../api/resources/calls.js';
import type { CallRecord } from '../calls/call.js';
import { LIVE } from '../cli/recover.js';
import type { DocumentedCode } from '../error-codes/index.js';
import type { Runtime, UpdateCallParams } from '../runtime-types.js';
import type { StoredRecord } from '../store/types.js';
import type { Bus, NodeId, Unsubscribe } from './bus.js';

const UPDATE = 'call.update';

interface UpdateRequest {
  readonly accountSid: string;
  readonly sid: string;
  readonly params: UpdateCallParams;
}

/** The owner's answer: the call as it is now, or the REST error it would have answered with. */
type UpdateAnswer =
  | { readonly call: CallRecord }
  | { readonly error: { readonly status: number; readonly code: DocumentedCode; readonly message: string } };

/** The node a stored call, message or conference record belongs to (cluster only). */
export function ownerOf(record: StoredRecord): NodeId | undefined {
  const node = (record as { node?: unknown }).node;
  return typeof node === 'string' ? node : undefined;
}

/** The other node that runs (or ran) a stored call; undefined when it is this node's or nobody's. */
export function remoteOwner(bus: Bus, call: CallRecord): NodeId | undefined {
  const owner = ownerOf(call);
  return owner !== undefined && owner !== bus.nodeId ? owner : undefined;
}

/** Answers other nodes' changes to the calls this node runs; returns what stops it. */
export function serveCallControl(bus: Bus, runtime: Runtime): Unsubscribe {
  return bus.serve(UPDATE, async (body): Promise<UpdateAnswer> => {
    const { accountSid, sid, params } = body as UpdateRequest;
    try {
      // Another account's call is as unknown here as it is to that account's REST requests.
      if (runtime.calls.get(sid)?.accountSid !== accountSid)
        throw new RestError(400, 21220, `call ${sid} is not in progress`);
      return { call: await runtime.calls.update(sid, params) };
    } catch (error) {
      const rest = restError(error);
      return { error: { status: rest.status, code: rest.code, message: rest.message } };
    }
  });
}

/**
 * Sends a call change to the node running the call; resolves with the call as that node has it.
 * A call whose node is gone: 503 (91301) while it is live in the store (its survivor is about to
 * end it), else what a node answers for a call it no longer runs (21220).
 */
export async function updateRemoteCall(
  bus: Bus,
  owner: NodeId,
  call: CallRecord,
  params: UpdateCallParams,
): Promise<CallRecord> {
  const request: UpdateRequest = { accountSid: call.accountSid, sid: call.sid, params };
  const answer = await bus.request<UpdateAnswer>(owner, UPDATE, request).catch((error: unknown) => {
    if ((error as { code?: unknown }).code === 'bus-node-gone' && !LIVE.includes(call.status))
      throw new RestError(400, 21220, `call ${call.sid} is not in progress`);
    throw error;
  });
  if ('error' in answer) throw new RestError(answer.error.status, answer.error.code, answer.error.message);
  return answer.call;
}
