/** Commands as the REST API shows them, as the channel carries them, and as the result webhook posts them. */
import type { Outgoing } from '@patchbay/sdk/protocol';
import { isoDate } from '../../api/resources/voice-v1/paging.js';
import type { CommandRecord } from './records.js';

export function commandJson(record: CommandRecord, base: string) {
  return {
    sid: record.sid,
    account_sid: record.accountSid,
    device_sid: record.deviceSid,
    sequence: record.seq,
    action: record.action,
    params: record.params,
    status: record.status,
    attempts: record.attempts,
    delivered_via: record.deliveredVia ?? null,
    result: record.result ?? null,
    error: record.error ?? null,
    result_callback: record.resultCallback ?? null,
    result_callback_method: record.resultCallbackMethod,
    date_next_attempt: record.nextAttemptAt !== undefined ? isoDate(record.nextAttemptAt) : null,
    date_expires: isoDate(record.expiresAt),
    date_delivered: record.deliveredAt !== undefined ? isoDate(record.deliveredAt) : null,
    date_settled: record.settledAt !== undefined ? isoDate(record.settledAt) : null,
    date_created: isoDate(record.createdAt),
    date_updated: isoDate(record.updatedAt),
    url: `${base}/patchbay/v1/Devices/${record.deviceSid}/Commands/${record.sid}`,
  };
}

/** What the device reads (`GET /patchbay/v1/DeviceCommands`): settled ones only say so, to be skipped. */
export function deviceCommandJson(record: CommandRecord) {
  return record.open
    ? { sid: record.sid, sequence: record.seq, action: record.action, params: record.params, status: record.status }
    : { sid: record.sid, sequence: record.seq, status: record.status };
}

export function commandMessage(record: CommandRecord): Extract<Outgoing, { type: 'command' }> {
  return {
    type: 'command',
    device: record.deviceSid,
    sid: record.sid,
    number: record.seq,
    action: record.action,
    params: { ...record.params },
  };
}

/** The result webhook's parameters (signed like every webhook). */
export function callbackParams(record: CommandRecord): Record<string, string> {
  return {
    AccountSid: record.accountSid,
    DeviceSid: record.deviceSid,
    CommandSid: record.sid,
    Sequence: String(record.seq),
    Action: record.action,
    Status: record.status,
    ...(record.error !== undefined ? { ErrorMessage: record.error } : {}),
    ...Object.fromEntries(Object.entries(record.result ?? {}).map(([name, value]) => [`Result.${name}`, value])),
  };
}
