/**
 * The account's side of commands (HTTP Basic, like every REST resource), under `/patchbay/v1`
 * (docs/commands.md#rest): `Devices/{Sid}/Commands` (POST `Action`, `Params.<name>`, `Ttl`,
 * `ResultCallback`, `ResultCallbackMethod`; GET, filter `Status`, v1 paging) and
 * `Devices/{Sid}/Commands/{Sid}` (GET; POST `Status=canceled`).
 */

import { ACTION } from '@patchbay/sdk/protocol';
import { absoluteUrl, type Form, field, httpMethod, RestError } from '../../api/http.js';
import { pageRequest } from '../../api/paging.js';
import type { Resource } from '../../api/resources/context.js';
import { v1Page } from '../../api/resources/voice-v1/paging.js';
import { commandJson } from './json.js';
import { COMMAND_LIMITS, type CommandRecord, type CommandStatus } from './records.js';
import type { CommandService, NewCommand } from './service.js';

const COMMANDS = /^Devices\/(DV[0-9a-f]{32})\/Commands(?:\/(DC[0-9a-f]{32}))?$/;
const STATUSES: readonly CommandStatus[] = ['pending', 'delivered', 'completed', 'failed', 'expired', 'canceled'];

const invalid = (message: string) => new RestError(400, 91231, message);

/** `<prefix><name>` fields as values: bounded in count and size (91231 beyond). */
export function prefixed(form: Form, prefix: string): Record<string, string> {
  const names = Object.keys(form).filter((name) => name.startsWith(prefix));
  if (names.length > COMMAND_LIMITS.params) throw invalid(`at most ${COMMAND_LIMITS.params} ${prefix}<name> values`);
  const values: Record<string, string> = {};
  for (const name of names) {
    const key = name.slice(prefix.length);
    const value = field(form, name) ?? '';
    if (key.length === 0 || key.length > COMMAND_LIMITS.nameLength)
      throw invalid(`${name}: names are 1 to ${COMMAND_LIMITS.nameLength} characters`);
    if (value.length > COMMAND_LIMITS.valueLength)
      throw invalid(`${name}: values are at most ${COMMAND_LIMITS.valueLength} characters`);
    values[key] = value;
  }
  return values;
}

function newCommand(form: Form): NewCommand {
  const action = field(form, 'Action') ?? '';
  if (!ACTION.test(action)) throw invalid('Action: 1 to 64 characters of letters, digits and ._-');
  const ttl = field(form, 'Ttl');
  const { min, max } = COMMAND_LIMITS.ttlS;
  const ttlS = ttl === undefined ? undefined : Number(ttl);
  if (ttlS !== undefined && !(Number.isInteger(ttlS) && ttlS >= min && ttlS <= max))
    throw invalid(`Ttl: whole seconds from ${min} to ${max}`);
  return {
    action,
    params: prefixed(form, 'Params.'),
    ttlS,
    resultCallback: absoluteUrl(form, 'ResultCallback', 91231),
    resultCallbackMethod: httpMethod(form, 'ResultCallbackMethod'),
  };
}

export const commandsResource =
  (service: CommandService): Resource =>
  async (context) => {
    const match = COMMANDS.exec(context.rest);
    if (!match) return undefined;
    const { account, method, publicUrl, query } = context;
    const deviceSid = match[1] as string;
    const sid = match[2];
    if (!sid && method === 'POST') {
      const record = await service.submit(account, deviceSid, newCommand(await context.form()));
      return { status: 201, body: commandJson(record, publicUrl) };
    }
    if (!sid && method === 'GET') {
      const status = query.get('Status');
      if (status !== null && !STATUSES.includes(status as CommandStatus))
        throw invalid(`Status: one of ${STATUSES.join(', ')}`);
      const request = pageRequest(query);
      const where = { deviceSid, ...(status ? { status } : {}) };
      const found = await context.store.list<CommandRecord>('device-command', {
        accountSid: account.sid,
        where,
        ...request,
      });
      const url = `${publicUrl}/patchbay/v1/Devices/${deviceSid}/Commands`;
      return {
        status: 200,
        body: v1Page(
          'commands',
          url,
          request,
          found,
          (c) => commandJson(c, publicUrl),
          status ? { Status: status } : undefined,
        ),
      };
    }
    if (!sid) return undefined;
    if (method === 'GET')
      return { status: 200, body: commandJson(await service.get(account.sid, deviceSid, sid), publicUrl) };
    if (method !== 'POST') return undefined;
    if (field(await context.form(), 'Status') !== 'canceled') throw invalid('Status: only canceled may be set');
    return { status: 200, body: commandJson(await service.cancel(account.sid, deviceSid, sid), publicUrl) };
  };
