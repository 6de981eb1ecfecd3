/**
 * The REST Queues and Members resources across nodes: any node answers them for any queue. A
 * request for a queue another node holds (fetch, update, delete, its members, a dequeue) is sent
 * to that node over the bus (`queue.rest`) and answered as it answers; creating a queue places it
 * by load (the holder creates it); a list gathers the queues of every live node. A dequeue on the
 * holder changes the member's call on the node that runs it (cluster/call-control.ts).
 *
 * @example
 * serveQueueControl(bus, (request) => forwardedConferenceRequest(options, sip, request, queuesHere, bus));
 * const forwarded = await forwardQueueRequest(context, runtime.queueCluster); // in the Queues resource
 */
import { field, RestError } from '../api/http.js';
import type { ResourceContext, ResourceResult } from '../api/resources/context.js';
import type { Bus, Unsubscribe } from './bus.js';
import { type ForwardedRequest, forward, serveConferenceControl } from './conference-control.js';
import type { QueueCluster } from './queue-cluster.js';

const METHOD = 'queue.rest';
const ONE = /^Queues\/(QU[0-9a-f]{32})(?:\.json|\/Members)/;

/** Answers other nodes' REST requests for the queues this node holds; returns what stops it. */
export function serveQueueControl(
  bus: Bus,
  answer: (request: ForwardedRequest) => Promise<ResourceResult>,
): Unsubscribe {
  return serveConferenceControl(bus, answer, METHOD);
}

/**
 * Sends a Queues request on to the node it is for, when that is another node; resolves with its
 * answer, or undefined when this node answers it (a list is answered here, from every node).
 */
export async function forwardQueueRequest(context: ResourceContext, cluster: QueueCluster): Promise<ResourceResult> {
  const { bus, runtime, account, rest } = context;
  if (!bus) return undefined;
  if (rest === 'Queues.json') {
    if (context.method !== 'POST') return undefined;
    const name = field(await context.form(), 'FriendlyName')?.trim();
    if (!name || name.length > 64) return undefined;
    const holder = await cluster.holderOf(account.sid, name);
    return holder === bus.nodeId ? undefined : send(context, holder, `queue "${name}"`);
  }
  const sid = ONE.exec(rest)?.[1];
  if (sid === undefined || runtime.queues.find(sid, account.sid)) return undefined;
  // Which node holds a queue is known by its name; a SID is asked of each live node in turn.
  for (const node of (await bus.nodes()).map((info) => info.id)) {
    if (node === bus.nodeId) continue;
    try {
      return await send(context, node, `queue ${sid}`);
    } catch (error) {
      if (error instanceof RestError && error.status === 404) continue;
      throw error;
    }
  }
  return undefined;
}

function send(context: ResourceContext, node: string, what: string): Promise<ResourceResult> {
  return forward(
    context,
    node,
    what,
    METHOD,
    () => new RestError(503, 91354, `${what} was held by node ${node}, which is gone: it ended with it`),
  );
}
