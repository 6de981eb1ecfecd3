/**
 * Commands for a device in the REST client (`/patchbay/v1/Devices/{Sid}/Commands`,
 * docs/commands.md). RestErrors carry the API's codes (91231 an invalid command, 91232 and 91233
 * too many open commands, 91234 settled already). The values of `params` and `result` are the
 * device's own: their names come back as sent only when they have no underscore (the client
 * turns snake_case names into camelCase).
 *
 * @example
 * const commands = client.deviceCommands(device.sid);
 * const command = await commands.create({ action: 'ring', params: { seconds: '5' }, resultCallback: 'https://example.com/done' });
 * (await commands.get(command.sid)).status; // 'pending' | 'delivered' | 'completed' | 'failed' | 'expired' | 'canceled'
 */
import type { Http, ParamValue } from './http.js';
import { v1Listing } from './rooms.js';

export type CommandStatus = 'pending' | 'delivered' | 'completed' | 'failed' | 'expired' | 'canceled';

export interface CommandParams {
  action: string;
  /** At most 16 values, names up to 64 characters, values up to 512. */
  params?: Readonly<Record<string, string>>;
  /** Seconds without a result before it expires (10 to 604800). @default 86400 */
  ttl?: number;
  /** Where the result is posted (signed like every webhook). */
  resultCallback?: string;
  resultCallbackMethod?: 'GET' | 'POST';
}

export interface CommandInstance {
  sid: string;
  accountSid: string;
  deviceSid: string;
  sequence: number;
  action: string;
  params: Record<string, string>;
  status: CommandStatus;
  attempts: number;
  deliveredVia: 'channel' | 'web-push' | 'sms' | 'https' | null;
  result: Record<string, string> | null;
  error: string | null;
  resultCallback: string | null;
  resultCallbackMethod: 'GET' | 'POST';
  dateNextAttempt: string | null;
  dateExpires: string;
  dateDelivered: string | null;
  dateSettled: string | null;
  dateCreated: string;
  dateUpdated: string;
  url: string;
}

function form(params: CommandParams): Readonly<Record<string, ParamValue>> {
  const { params: values = {}, ...rest } = params;
  return { ...rest, ...Object.fromEntries(Object.entries(values).map(([name, value]) => [`Params.${name}`, value])) };
}

export type DeviceCommandsClient = ReturnType<typeof deviceCommandsClient>;

export function deviceCommandsClient(http: Http, deviceSid: string, status?: CommandStatus) {
  const path = `/patchbay/v1/Devices/${deviceSid}/Commands`;
  return {
    ...v1Listing<CommandInstance>(http, path, 'commands', status ? { Status: status } : {}),
    create: (params: CommandParams) => http.request<CommandInstance>('POST', path, form(params)),
    get: (sid: string) => http.request<CommandInstance>('GET', `${path}/${sid}`),
    /** Cancels an open command (91234 when it is settled already). */
    cancel: (sid: string) => http.request<CommandInstance>('POST', `${path}/${sid}`, { status: 'canceled' }),
  };
}
