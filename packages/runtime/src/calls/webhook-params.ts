/**
 * The standard parameters of every webhook about a call (its document requests and its status
 * callbacks): who, which call, its status and direction, and where the numbers are. One builder,
 * for a live call and for one a restart closes.
 */
import type { CallRecord } from './call.js';
import { callPlaceParams } from './geo.js';

export type CallIdentity = Pick<CallRecord, 'sid' | 'accountSid' | 'from' | 'to' | 'direction' | 'parentCallSid'>;

export function callWebhookParams(call: CallIdentity, status: string): Record<string, string> {
  return {
    CallSid: call.sid,
    AccountSid: call.accountSid,
    From: call.from,
    To: call.to,
    Caller: call.from,
    Called: call.to,
    CallStatus: status,
    ApiVersion: '2010-04-01',
    Direction: call.direction,
    ...(call.parentCallSid ? { ParentCallSid: call.parentCallSid } : {}),
    ...callPlaceParams(call.from, call.to),
  };
}
