/**
 * A device proving itself with its credential (`<device SID>:<secret>`, issued at registration):
 * over HTTP as `Authorization: Basic base64(<device SID>:<secret>)`. The command channel uses the
 * same check for what devices send it. An unknown device and a wrong secret get the same answer,
 * and the secret is compared in constant time.
 *
 * @example
 * const device = await deviceByCredential(store, 'DV...:secret'); // undefined when it does not verify
 */
import type { IncomingMessage } from 'node:http';
import { sameSecret } from '../api/auth.js';
import { RestError } from '../api/http.js';
import type { Store } from '../store/types.js';
import type { DeviceRecord } from './records.js';

const DEVICE_SID = /^DV[0-9a-f]{32}$/;

/** The device whose credential this is, or undefined. */
export async function deviceByCredential(store: Store, credential: string): Promise<DeviceRecord | undefined> {
  const [sid = '', secret = ''] = credential.split(/:(.*)/s);
  const device = DEVICE_SID.test(sid) ? await store.find<DeviceRecord>('device', sid) : undefined;
  const matches = sameSecret(secret, device?.secret ?? `absent:${sid}`);
  return matches ? device : undefined;
}

/** The device a request authenticates as (Basic with its credential), or a 401. */
export async function authenticateDevice(req: IncomingMessage, store: Store): Promise<DeviceRecord> {
  const header = req.headers.authorization ?? '';
  const credential = header.startsWith('Basic ') ? Buffer.from(header.slice(6), 'base64').toString('utf8') : '';
  const device = await deviceByCredential(store, credential);
  if (!device) throw new RestError(401, 20003, 'Authenticate with the device credential: Basic <device SID>:<secret>');
  return device;
}
