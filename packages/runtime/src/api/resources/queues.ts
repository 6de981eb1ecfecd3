/**
 * /2010-04-01/Accounts/{AccountSid}/Queues: list, create (FriendlyName, MaxSize), fetch, update
 * (MaxSize), delete (empty queues only), and the Members waiting in one: list, fetch (by CallSid
 * or `Front`), and dequeue (POST Url, Method: the member leaves the queue and its call runs the
 * document at Url).
 *
 * A queue's resource (SID, FriendlyName, MaxSize, dates) is stored (queue/records.ts): a restart
 * keeps it, empty, since the calls waiting in it end with the process. Its members live in the
 * runtime; a queue read back is held again when it is next used or fetched.
 */

import type { CallRecord } from '../../calls/call.js';
import { remoteOwner, updateRemoteCall } from '../../cluster/call-control.js';
import { forwardQueueRequest } from '../../cluster/queue-control.js';
import type { CallQueue, MemberSnapshot, QueueSnapshot } from '../../queue/queues.js';
import { forgetQueue, openQueue, saveQueue, storedSnapshot } from '../../queue/records.js';
import type { UpdateCallParams } from '../../runtime.js';
import { absoluteUrl, apiDate, field, httpMethod, invalid, notFound, RestError } from '../http.js';
import { pageBody, pageOf, pageRequest } from '../paging.js';
import { restError } from './calls.js';
import type { Resource, ResourceContext } from './context.js';

const MAX_QUEUE_SIZE = 5000;

export function queueJson(queue: QueueSnapshot) {
  const base = `/2010-04-01/Accounts/${queue.accountSid}/Queues/${queue.sid}`;
  return {
    sid: queue.sid,
    account_sid: queue.accountSid,
    friendly_name: queue.friendlyName,
    current_size: queue.currentSize,
    max_size: queue.maxSize,
    average_wait_time: queue.averageWaitTime,
    date_created: apiDate(queue.createdAt),
    date_updated: apiDate(queue.updatedAt),
    uri: `${base}.json`,
    subresource_uris: { members: `${base}/Members.json` },
  };
}

export function memberJson(queue: CallQueue, member: MemberSnapshot, now: number) {
  return {
    call_sid: member.callSid,
    queue_sid: queue.sid,
    position: member.position,
    wait_time: Math.max(0, Math.round((now - member.enqueuedAt) / 1000)),
    date_enqueued: apiDate(member.enqueuedAt),
    uri: `/2010-04-01/Accounts/${queue.accountSid}/Queues/${queue.sid}/Members/${member.callSid}.json`,
  };
}

function maxSize(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const size = Number(value);
  if (!Number.isInteger(size) || size < 1 || size > MAX_QUEUE_SIZE)
    throw invalid(21200, 'MaxSize', `must be a whole number from 1 to ${MAX_QUEUE_SIZE}`);
  return size;
}

const QUEUE = /^Queues\/(QU[0-9a-f]{32})(?:\.json|\/Members\.json|\/Members\/(CA[0-9a-f]{32}|Front)\.json)$/;

/** The Queues resource; in a cluster, a request for a queue another node holds is answered there. */
export const queuesResource: Resource = async (context) => {
  const cluster = context.bus && context.runtime.queueCluster;
  return (cluster && (await forwardQueueRequest(context, cluster))) || queuesHere(context);
};

/** Answers a Queues request on this node (a list, in a cluster, from every node's queues). */
export const queuesHere: Resource = async (context) => {
  const { runtime, account, rest, query } = context;
  const queues = runtime.queues;
  if (rest === 'Queues.json') {
    if (context.method === 'GET') {
      const request = pageRequest(query);
      const cluster = context.bus && runtime.queueCluster;
      const held = cluster ? await cluster.listAll(account.sid) : queues.list(account.sid);
      // Stored queues no node holds now (after a restart, or their holder's death) are listed empty.
      const stored = (await queues.records?.list(account.sid)) ?? [];
      const listed = [...held, ...stored.filter((q) => !held.some((h) => h.sid === q.sid)).map(storedSnapshot)];
      const all = listed.sort((a, b) => a.createdAt - b.createdAt);
      const path = `/2010-04-01/Accounts/${account.sid}/Queues.json`;
      return { status: 200, body: pageBody('queues', path, query, request, pageOf(all, request), queueJson) };
    }
    if (context.method !== 'POST') return undefined;
    const form = await context.form();
    const name = field(form, 'FriendlyName')?.trim();
    if (!name) throw invalid(21200, 'FriendlyName', 'is required');
    if (name.length > 64) throw invalid(21200, 'FriendlyName', 'must be at most 64 characters');
    const size = maxSize(field(form, 'MaxSize'));
    if (queues.get(account.sid, name) || (await queues.records?.byName(account.sid, name)))
      throw invalid(21200, 'FriendlyName', `a queue named "${name}" already exists`);
    const queue = await openQueue(queues, account.sid, name);
    if (size !== undefined) {
      queue.maxSize = size;
      await saveQueue(queues, queue);
    }
    return { status: 201, body: queueJson(queue.snapshot()) };
  }

  const match = QUEUE.exec(rest);
  if (!match) return undefined;
  const sid = match[1] as string;
  const queue = queues.find(sid, account.sid) ?? (await heldAgain(context, sid));
  if (!queue) throw notFound(sid);

  if (rest.endsWith(`${sid}.json`)) {
    if (context.method === 'GET') return { status: 200, body: queueJson(queue.snapshot()) };
    if (context.method === 'DELETE') {
      if (!queues.remove(queue)) throw new RestError(400, 21220, `queue ${sid} has members waiting`);
      await forgetQueue(queues, queue);
      return { status: 204 };
    }
    if (context.method !== 'POST') return undefined;
    const form = await context.form();
    const name = field(form, 'FriendlyName');
    if (name !== undefined && name !== queue.friendlyName)
      throw invalid(21200, 'FriendlyName', 'a queue cannot be renamed while Enqueue and Dial address it by name');
    const size = maxSize(field(form, 'MaxSize'));
    if (size !== undefined) queue.maxSize = size;
    queue.updatedAt = context.now;
    await saveQueue(queues, queue);
    return { status: 200, body: queueJson(queue.snapshot()) };
  }

  const waiting = queue.waiting();
  const one = match[2];
  if (one === undefined) {
    if (context.method !== 'GET') return undefined;
    const request = pageRequest(query);
    const path = `/2010-04-01/Accounts/${account.sid}/Queues/${sid}/Members.json`;
    return {
      status: 200,
      body: pageBody('queue_members', path, query, request, pageOf(waiting, request), (member) =>
        memberJson(queue, member, context.now),
      ),
    };
  }
  const member = one === 'Front' ? waiting[0] : waiting.find((m) => m.callSid === one);
  if (!member) throw notFound(one);
  if (context.method === 'GET') return { status: 200, body: memberJson(queue, member, context.now) };
  if (context.method !== 'POST') return undefined;
  const form = await context.form();
  const url = absoluteUrl(form, 'Url', 21205);
  if (url === undefined) throw invalid(21205, 'Url', 'is required to dequeue a member');
  const method = httpMethod(form, 'Method');
  try {
    // The call leaves its Enqueue (and the queue) and runs the document at Url, on the node that runs it.
    await updateCall(context, member.callSid, { url, ...(method === undefined ? {} : { method }) });
  } catch (error) {
    throw restError(error);
  }
  queue.remove(member.callSid);
  return { status: 200, body: memberJson(queue, member, context.now) };
};

/**
 * A stored queue no node holds (after a restart, or its holder's death), held here again: empty,
 * with its SID and MaxSize. In a cluster only when this node is where the queue is placed (a
 * request that reaches another node was sent on to it, and that node asked no further).
 */
async function heldAgain(context: ResourceContext, sid: string): Promise<CallQueue | undefined> {
  const { runtime, account, bus } = context;
  const stored = await runtime.queues.records?.bySid(account.sid, sid);
  if (!stored) return undefined;
  const cluster = bus && runtime.queueCluster;
  if (cluster && (await cluster.holderOf(account.sid, stored.friendlyName)) !== bus.nodeId) return undefined;
  return runtime.queues.adopt(stored);
}

/** Changes a call, here or (in a cluster) on the node that runs it. */
async function updateCall(context: ResourceContext, callSid: string, params: UpdateCallParams): Promise<void> {
  const { runtime, bus, store, account } = context;
  const stored =
    bus && !runtime.calls.get(callSid) ? await store.get<CallRecord>('call', account.sid, callSid) : undefined;
  const owner = bus && stored ? remoteOwner(bus, stored) : undefined;
  if (bus && stored && owner) await updateRemoteCall(bus, owner, stored, params);
  else await runtime.calls.update(callSid, params);
}
