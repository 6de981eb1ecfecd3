/**
 * The endpoints a device calls for its commands, under `/patchbay/v1` (docs/commands.md#device-endpoints),
 * authenticated with the device credential (`Authorization: Basic <device SID>:<secret>`, compared
 * in constant time): `GET DeviceCommands?After=<n>` (its commands numbered after n, settled ones
 * only named, so it skips them) and `POST DeviceCommands/{Sid or number}/Result` (`Ok`, `Result.<name>`,
 * `Error`). A credential that does not verify is logged, discarded, and answered 401 with 91230.
 *
 * @example
 * const answer = commandDeviceRoutes(service, store, onRefused)(req, url); // undefined: not one of these
 */
import type { IncomingMessage } from 'node:http';
import { sameSecret } from '../../api/auth.js';
import { field, notFound, RestError, readForm } from '../../api/http.js';
import type { ResourceResult } from '../../api/resources/context.js';
import type { Store } from '../../store/types.js';
import type { DeviceRecord } from '../records.js';
import { deviceCommandJson } from './json.js';
import { prefixed } from './rest.js';
import type { CommandService } from './service.js';

const PREFIX = '/patchbay/v1/';
/** A command by SID, or by its number (commands read from a form carry no SID). */
const RESULT = /^DeviceCommands\/(DC[0-9a-f]{32}|[1-9][0-9]{0,14})\/Result$/;

/** The device a credential names, when its secret matches (constant time); undefined otherwise. */
export async function verifiedDevice(store: Store, sid: string, secret: string): Promise<DeviceRecord | undefined> {
  const device = /^DV[0-9a-f]{32}$/.test(sid) ? await store.find<DeviceRecord>('device', sid) : undefined;
  return sameSecret(secret, device?.secret ?? `absent:${sid}`) && device ? device : undefined;
}

export const authenticationFailure = (what: string) => new RestError(401, 91230, `authentication failure: ${what}`);

export function commandDeviceRoutes(
  service: CommandService,
  store: Store,
  onRefused: (event: { device: string; via: 'https' }) => void,
  maxBodyBytes = 16 * 1024,
) {
  async function device(req: IncomingMessage): Promise<DeviceRecord> {
    const header = req.headers.authorization ?? '';
    const decoded = header.startsWith('Basic ') ? Buffer.from(header.slice(6), 'base64').toString('utf8') : '';
    const [sid = '', secret = ''] = decoded.split(/:(.*)/s);
    const found = await verifiedDevice(store, sid, secret);
    if (found) return found;
    onRefused({ device: sid.slice(0, 34), via: 'https' });
    throw authenticationFailure('send the device credential: Authorization: Basic <device SID>:<secret>');
  }
  return (req: IncomingMessage, url: URL): Promise<NonNullable<ResourceResult>> | undefined => {
    if (!url.pathname.startsWith(`${PREFIX}DeviceCommands`)) return undefined;
    const rest = url.pathname.slice(PREFIX.length);
    const method = req.method ?? 'GET';
    return (async () => {
      const found = await device(req);
      if (rest === 'DeviceCommands' && method === 'GET') {
        const after = Number(url.searchParams.get('After') ?? '0');
        const commands = await service.after(found, Number.isSafeInteger(after) && after >= 0 ? after : 0, 'https');
        return { status: 200, body: { device_sid: found.sid, commands: commands.map(deviceCommandJson) } };
      }
      const match = RESULT.exec(rest);
      if (!match || method !== 'POST') throw notFound(url.pathname);
      const form = await readForm(req, maxBodyBytes);
      const ok = field(form, 'Ok') === 'true';
      const result = prefixed(form, 'Result.');
      const error = (field(form, 'Error') ?? '').slice(0, 512);
      const key = match[1] as string;
      const sid = key.startsWith('DC') ? key : (await service.numbered(found, Number(key)))?.sid;
      if (!sid) throw notFound(key);
      const done = await service.settle(
        found.accountSid,
        sid,
        ok ? { status: 'completed', result } : { status: 'failed', result, error: error || 'failed' },
        found.sid,
      );
      return { status: 200, body: { ...deviceCommandJson(done.record), recorded: done.recorded } };
    })();
  };
}
