/**
 * Revocation across nodes: a key deleted, an account suspended or closed, or an auth token
 * rotated away through any node ends the device sessions that rest on it on every node, as on one
 * server (bridge/revocation.ts), before the request is answered. The node that changed the
 * credentials asks every other live node (`devices.revalidate`, 3 s each) to check its sessions of
 * the account again; a node that does not answer in time still catches the revocation at the
 * device's next request.
 *
 * @example
 * const stop = serveRevalidation(bus, bridge);
 * await revalidateAcross(bus, accountSid); // after the change has committed
 */
import { z } from 'zod';
import type { DeviceBridge } from '../bridge/bridge.js';
import type { Bus, Unsubscribe } from './bus.js';
import { parseBody } from './devices-wire.js';

const METHOD = 'devices.revalidate';
const Body = z.object({ accountSid: z.string().min(1).max(64) });

/** Answers other nodes' `devices.revalidate` with this node's bridge. */
export function serveRevalidation(bus: Bus, bridge: Pick<DeviceBridge, 'revalidate'>): Unsubscribe {
  return bus.serve(METHOD, async (body, from) => {
    await bridge.revalidate(parseBody(Body, body, METHOD, from).accountSid);
    return {};
  });
}

/** Has every other live node check its sessions of `accountSid` again; settles when all answered or gave up. */
export async function revalidateAcross(bus: Bus, accountSid: string, timeoutMs = 3000): Promise<void> {
  const others = (await bus.nodes()).filter((node) => node.id !== bus.nodeId);
  await Promise.allSettled(others.map((node) => bus.request(node.id, METHOD, { accountSid }, { timeoutMs })));
}
