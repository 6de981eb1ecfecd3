/**
 * A room schedule's occurrence in a cluster: its call is placed by load as a REST start is
 * (room-call-placement.ts `placeStart`), and started on the node chosen, through that node's REST
 * answer for the room's call (`room-call.rest`, as a forwarded `POST .../Call`): the same checks,
 * the same refusal when a call runs already (91109).
 *
 * @example
 * const started = await startScheduledThere(bus, node, schedule); // { callSid } or a RestError thrown
 */
import type { Form } from '../api/http.js';
import { RestError } from '../api/http.js';
import type { DocumentedCode } from '../error-codes/index.js';
import type { RoomScheduleRecord } from '../rooms/schedules/records.js';
import type { Bus, NodeId } from './bus.js';
import type { ForwardedRequest } from './conference-control.js';
import { REST } from './room-call-placement.js';

type Answer =
  | { readonly status: number; readonly body?: { readonly sid?: unknown } }
  | { readonly error: { readonly status: number; readonly code: DocumentedCode; readonly message: string } };

/** Starts the occurrence's call on `node`: the call's SID, or the node's refusal thrown as a RestError. */
export async function startScheduledThere(
  bus: Pick<Bus, 'request'>,
  node: NodeId,
  schedule: RoomScheduleRecord,
): Promise<{ callSid: string }> {
  const form: Form = {
    ...(schedule.members === 'all' ? { All: 'true' } : { Members: [...schedule.members] }),
    ...(schedule.organizerPhone ? { OrganizerPhone: 'true' } : {}),
  };
  const request: ForwardedRequest = {
    accountSid: schedule.accountSid,
    method: 'POST',
    rest: `Rooms/${schedule.roomSid}/Call`,
    query: '',
    form,
  };
  const answer = await bus.request<Answer>(node, REST, request);
  if ('error' in answer) throw new RestError(answer.error.status, answer.error.code, answer.error.message);
  const sid = answer.body?.sid;
  if (typeof sid !== 'string') throw new Error(`node ${node} started the room's call without a SID`);
  return { callSid: sid };
}
