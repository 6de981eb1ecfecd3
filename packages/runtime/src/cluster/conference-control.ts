/**
 * Conference control across nodes: a REST request for a live conference another node holds
 * (read it, end it, announce, list, add, mute, hold, coach, kick or announce to a participant)
 * is sent to that node over the bus and answered as that node answers it: the same status, the
 * same JSON, the same status callbacks (the room is there). When that node is gone the room
 * ended with it: 503 with 91352.
 *
 * @example
 * serveConferenceControl(bus, (request) => conferencesResource(contextFor(request))); // every node
 * const forwarded = await forwardToHolder(context, sid); // in the Conferences resource
 */
import { type Form, RestError } from '../api/http.js';
import { restError } from '../api/resources/calls.js';
import type { ResourceContext, ResourceResult } from '../api/resources/context.js';
import type { ConferenceSnapshot } from '../conference/conference.js';
import type { DocumentedCode } from '../error-codes/index.js';
import type { Bus, NodeId, Unsubscribe } from './bus.js';
import { ownerOf } from './call-control.js';

const METHOD = 'conference.rest';

/** A REST request for a conference, as it crosses the bus. */
export interface ForwardedRequest {
  readonly accountSid: string;
  readonly method: string;
  /** The path below the account (`Conferences/CF....json`, `.../Participants/CA....json`). */
  readonly rest: string;
  readonly query: string;
  readonly form?: Form;
  /** The public URL of the node the request reached: URLs in the answer are the ones it would give. */
  readonly publicUrl?: string;
}

type Answer =
  | { readonly status: number; readonly body?: unknown }
  | { readonly error: { readonly status: number; readonly code: DocumentedCode; readonly message: string } };

/** Answers other nodes' requests for the conferences this node holds; returns what stops it. */
export function serveConferenceControl(
  bus: Bus,
  answer: (request: ForwardedRequest) => Promise<ResourceResult>,
  /** The bus method (queues forward their REST requests the same way, cluster/queue-control.ts). */
  method = METHOD,
): Unsubscribe {
  return bus.serve(method, async (body): Promise<Answer> => {
    try {
      const result = await answer(body as ForwardedRequest);
      if (!result)
        throw new RestError(404, 20404, `The requested resource ${(body as ForwardedRequest).rest} was not found`);
      // The Conferences resource answers with a body, never a stream.
      return { status: result.status, ...('body' in result ? { body: result.body } : {}) };
    } catch (error) {
      const rest = restError(error);
      return { error: { status: rest.status, code: rest.code, message: rest.message } };
    }
  });
}

/**
 * Sends the request to the node holding conference `sid`, when another live node does; resolves
 * with its answer, or undefined when the room is this node's to answer (here, ended, or unknown).
 */
export async function forwardToHolder(context: ResourceContext, sid: string): Promise<ResourceResult> {
  const { bus, store, account } = context;
  if (!bus) return undefined;
  const stored = await store.get<ConferenceSnapshot>('conference', account.sid, sid);
  const owner = stored && ownerOf(stored);
  if (!stored || stored.status === 'completed' || owner === undefined || owner === bus.nodeId) return undefined;
  return forward(context, owner, `conference ${sid}`);
}

/**
 * `POST /Conferences/{FriendlyName}/Participants.json` in a cluster: sent to the node holding the
 * room of that name (placed by load when nobody holds it); undefined when that is this node.
 */
export async function forwardByName(context: ResourceContext, name: string): Promise<ResourceResult> {
  const { bus, runtime, account } = context;
  if (!bus || !runtime.conferenceCluster) return undefined;
  const holder = await runtime.conferenceCluster.holder(account.sid, name);
  return holder === bus.nodeId ? undefined : forward(context, holder, `conference "${name}"`);
}

/** Sends the request to `owner` (`method`: the conferences' unless said) and answers as it answers. */
export async function forward(
  context: ResourceContext,
  owner: NodeId,
  what: string,
  method = METHOD,
  gone: () => RestError = () =>
    new RestError(503, 91352, `${what} was held by node ${owner}, which is gone: it ended with it`),
): Promise<ResourceResult> {
  const { bus, account } = context;
  const request: ForwardedRequest = {
    accountSid: account.sid,
    method: context.method,
    rest: context.rest,
    query: context.query.toString(),
    ...(context.method === 'POST' ? { form: await context.form() } : {}),
    publicUrl: context.publicUrl,
  };
  const answer = await (bus as Bus).request<Answer>(owner, method, request).catch((error: unknown) => {
    if ((error as { code?: unknown }).code === 'bus-node-gone') throw gone();
    throw error;
  });
  if ('error' in answer) throw new RestError(answer.error.status, answer.error.code, answer.error.message);
  return answer;
}
