/**
 * The key that seals call tokens, shared by the nodes of a cluster: a device's accept can reach
 * any node, which must open the token to find the node holding the call. The first node to
 * start draws it and stores it on the bus; the others read it. Nodes given a key of their own
 * (DeviceBridgeOptions.callTokenKey, the same on every node) do not need this.
 *
 * @example
 * const callTokenKey = await sharedCallTokenKey(bus);
 */
import { randomBytes } from 'node:crypto';
import { PatchbayError } from '../errors.js';
import type { Bus } from './bus.js';

const KEY = 'devices:call-token-key';
/** Long enough to outlive any node; a node that starts later reads the same key. */
const TTL_MS = 365 * 24 * 3600 * 1000;

export async function sharedCallTokenKey(bus: Bus): Promise<Uint8Array> {
  await bus.claimKey(KEY, randomBytes(32).toString('hex'), TTL_MS);
  const hex = await bus.getKey(KEY);
  if (!hex || !/^[0-9a-f]{64}$/.test(hex))
    throw new PatchbayError('device-relay-invalid', `the bus holds no valid call-token key at ${KEY}`);
  return Buffer.from(hex, 'hex');
}
