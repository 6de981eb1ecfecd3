/**
 * What a test observes of a harness that is three nodes (suite.test-support.ts): one view over
 * their runtimes, and each node's view of the one phone network they share.
 *
 * - `runtimeView`: events of every node (one a test emits, on the first node); a call found (`get`, `ended`, `update`) on the node that
 *   runs it, `ended` once that node's records of it are committed (then any node answers for it); lists of calls, messages and conferences of all nodes, oldest first; `drain` of every
 *   node's callbacks; the device bridges' events, sessions (`size`) and presence of all nodes.
 *   Anything else is the first node's (queues, recordings, the bridge's other members): a test
 *   that needs those of the node a request reached is not run in cluster mode.
 * - `nodeNetworks`: every node places and bridges its calls on the same SimulatedNetwork, and each
 *   inbound call from outside (`network.call`) arrives at one node, in turn, as a carrier spreading
 *   calls over a cluster's nodes; one placed through a node's Simulator API arrives at that node.
 */
import { EventEmitter } from 'eventemitter3';
import { SimulatedNetwork } from '../adapters/simulated/network.js';
import type { DeviceBridge } from '../bridge/bridge.js';
import type { PresenceRecord } from '../bridge/presence.js';
import type { AdapterEvents } from '../media/types.js';
import type { Runtime } from '../runtime.js';

// biome-ignore lint/suspicious/noExplicitAny: a listener of any event of any emitter
type Listener = (...args: any[]) => void;

/**
 * Listeners added here listen to every node's emitter of these events; `rewrite` turns an event's
 * arguments into what the test sees (a node's presence record into the cluster's).
 */
function mergedEvents<Events>(
  sources: readonly Events[],
  rewrite: Readonly<Record<string, (...args: unknown[]) => unknown[]>> = {},
): Events {
  const onceWrappers = new Map<Listener, Listener>();
  const rewritten = new Map<Listener, Listener>();
  const given = (event: string, listener: Listener): Listener => {
    const change = rewrite[event];
    if (!change) return listener;
    const wrapper = rewritten.get(listener) ?? ((...args: unknown[]) => listener(...change(...args)));
    rewritten.set(listener, wrapper);
    return wrapper;
  };
  const all = (act: (source: EventEmitter) => void) => {
    for (const source of sources) act(source as unknown as EventEmitter);
    return merged;
  };
  const off = (event: string, listener: Listener) => {
    const target = onceWrappers.get(listener) ?? listener;
    onceWrappers.delete(listener);
    const added = rewritten.get(target) ?? target;
    rewritten.delete(target);
    return all((source) => source.off(event, added));
  };
  const merged = {
    on: (event: string, listener: Listener) => all((source) => source.on(event, given(event, listener))),
    addListener: (event: string, listener: Listener) => merged.on(event, listener),
    once: (event: string, listener: Listener) => {
      const wrapper = (...args: unknown[]) => {
        off(event, listener);
        listener(...args);
      };
      onceWrappers.set(listener, wrapper);
      return merged.on(event, wrapper);
    },
    off,
    removeListener: off,
    /** An event a test makes happens on the first node (as if that node's runtime emitted it). */
    emit: (event: string, ...args: unknown[]) => (sources[0] as unknown as EventEmitter).emit(event, ...args),
    listenerCount: (event: string) =>
      sources.reduce((sum, source) => sum + (source as unknown as EventEmitter).listenerCount(event), 0),
  };
  return merged as unknown as Events;
}

/** Overrides `members` of `target`, the rest read from it (bound to it). */
function over<T extends object>(target: T, members: Partial<T>): T {
  return new Proxy(target, {
    get(object, property) {
      if (Object.hasOwn(members, property)) return members[property as keyof T];
      const value = Reflect.get(object, property, object);
      return typeof value === 'function' ? value.bind(object) : value;
    },
  });
}

const oldestFirst = <T extends { createdAt: number }>(records: T[]): T[] =>
  records.sort((a, b) => a.createdAt - b.createdAt);

export interface ViewedNode {
  readonly runtime: Runtime;
  /** Settles when the node's writes so far are committed. */
  written(): Promise<void>;
}

export function runtimeView(nodes: readonly [ViewedNode, ...ViewedNode[]]): Runtime {
  const runtimes = nodes.map((node) => node.runtime);
  const [{ runtime: first }] = nodes;
  const owner = (sid: string) => nodes.find((node) => node.runtime.calls.get(sid)) ?? nodes[0];
  const runner = (sid: string) => owner(sid).runtime;
  return over(first, {
    events: mergedEvents(runtimes.map((runtime) => runtime.events)),
    devices: first.devices && devicesView(runtimes.map((runtime) => runtime.devices as DeviceBridge)),
    calls: over(first.calls, {
      get: (sid) => runner(sid).calls.get(sid),
      // Ended, as the app hears it: its final records are in the store every node reads.
      ended: async (sid) => {
        const node = owner(sid);
        const ended = await node.runtime.calls.ended(sid);
        await node.written();
        return ended;
      },
      update: (sid, params) => runner(sid).calls.update(sid, params),
      list: (filter) => oldestFirst(runtimes.flatMap((runtime) => runtime.calls.list(filter))),
    }),
    messages: over(first.messages, {
      get: (sid) => runtimes.map((runtime) => runtime.messages.get(sid)).find(Boolean),
      list: (filter) => oldestFirst(runtimes.flatMap((runtime) => runtime.messages.list(filter))),
      settled: async () => {
        await Promise.all(runtimes.map((runtime) => runtime.messages.settled()));
      },
    }),
    conferences: over(first.conferences, {
      list: (filter) => oldestFirst(runtimes.flatMap((runtime) => runtime.conferences.list(filter))),
    }),
    callbacks: over(first.callbacks, {
      // Drained, as the app sees it: what the callbacks report is in the store every node reads
      // (patchbay serve sends each callback after the node's writes before it: `recorded`).
      drain: async () => {
        await Promise.all(runtimes.map((runtime) => runtime.callbacks.drain()));
        await Promise.all(nodes.map((node) => node.written()));
      },
    }),
  });
}

/** The device bridges of every node: their events, sessions and presence taken together. */
function devicesView(bridges: readonly DeviceBridge[]): DeviceBridge {
  const members: Partial<DeviceBridge> = {
    // A presence change on one node is seen as the cluster's presence of the identity.
    events: mergedEvents(
      bridges.map((bridge) => bridge.events),
      {
        presence: (record) => {
          const { accountSid, identity } = record as PresenceRecord;
          return [members.presenceOf?.(accountSid, identity)[0] ?? record];
        },
      },
    ),
    presenceOf: (accountSid, identity) => {
      const merged = new Map<string, PresenceRecord>();
      for (const record of bridges.flatMap((bridge) => bridge.presenceOf(accountSid, identity))) {
        const seen = merged.get(record.identity);
        merged.set(
          record.identity,
          seen
            ? {
                ...record,
                status: seen.status === 'online' || record.status === 'online' ? 'online' : 'offline',
                registrations: seen.registrations + record.registrations,
                lastSeenAt: Math.max(seen.lastSeenAt, record.lastSeenAt),
              }
            : record,
        );
      }
      return [...merged.values()];
    },
  };
  // A session is the node's that holds it; a test that ends one ends it there.
  const holder = (id: string) => bridges.find((bridge) => bridge.session(id));
  members.session = (id) => holder(id)?.session(id);
  Object.assign(members, {
    end: (session: { id: string }) => (holder(session.id) as unknown as { end(s: unknown): void }).end(session),
  });
  Object.defineProperty(members, 'size', { get: () => bridges.reduce((sum, bridge) => sum + bridge.size, 0) });
  return over(bridges[0] as DeviceBridge, members);
}

/** `count` views of `network`, each with its own `incoming` events; inbound calls go to each in turn. */
export function nodeNetworks(network: SimulatedNetwork, count: number): SimulatedNetwork[] {
  const views = Array.from({ length: count }, () => {
    const members: Partial<SimulatedNetwork> = { events: new EventEmitter<AdapterEvents>() };
    const view = over(network, members);
    // A call placed through the node's own Simulator API arrives at that node.
    members.call = (call) => SimulatedNetwork.prototype.call.call(view, call);
    return view;
  });
  let turn = 0;
  network.events.on('incoming', (leg, call) => {
    const view = views[turn++ % count] as SimulatedNetwork;
    view.events.emit('incoming', leg, call);
  });
  return views;
}
