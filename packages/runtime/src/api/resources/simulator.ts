/**
 * Patchbay's own resource for trying apps with no phone: places an inbound call on the simulated
 * network from a party that presses the given digits (or says the given phrases), or delivers a
 * text message to a number (`POST .../Simulator/Messages.json` with `To`, `From`, `Body`,
 * `MediaUrl` repeated, and `MediaContentType` repeated alongside).
 * `POST /2010-04-01/Accounts/{AccountSid}/Simulator/Calls.json` with `To`, `From`, `Digits`
 * (repeated, one per input window), `Speech` (repeated), `HangupAfter` (seconds). With `Wait=true`
 * the answer comes when the call has ended and includes what the caller heard and did.
 */
import type { SimulatedNetwork } from '../../adapters/simulated/network.js';
import type { PartyInput } from '../../adapters/simulated/party.js';
import type { CallRecord } from '../../calls/call.js';
import { mediaContentTypes as checkMediaTypes } from '../../messaging/media-types.js';
import { field, fields, invalid, notFound, RestError } from '../http.js';
import { callJson } from './calls.js';
import type { Resource, ResourceContext, ResourceResult } from './context.js';
import { messageJson } from './messages.js';
import type { NumberRecord } from './numbers.js';

async function ownNumber(context: ResourceContext, to: string): Promise<void> {
  const number = await context.store.findOne<NumberRecord>('number', { phoneNumber: to });
  if (number?.accountSid !== context.account.sid)
    throw new RestError(400, 21211, `To: ${to} is not a number of this account`);
}

/**
 * A text message arrives at one of the account's numbers: its SmsUrl is posted to and the
 * replies sent. Answers when the app has answered, with the message and the `replies`.
 */
async function simulateMessage(context: ResourceContext): Promise<ResourceResult> {
  const form = await context.form();
  const to = field(form, 'To');
  const from = field(form, 'From') ?? '+15550100000';
  const body = field(form, 'Body') ?? '';
  const mediaUrls = fields(form, 'MediaUrl');
  // One per MediaUrl, in order; those left out are named by the URL's extension.
  const mediaContentTypes = fields(form, 'MediaContentType');
  if (!to) throw invalid(21604, 'To', "no 'To' number is specified");
  if (body === '' && mediaUrls.length === 0) throw invalid(21602, 'Body', 'give Body or MediaUrl');
  if (body.length > 1600) throw invalid(21617, 'Body', 'must be at most 1600 characters');
  try {
    checkMediaTypes(mediaUrls, mediaContentTypes);
  } catch (error) {
    throw invalid(21200, 'MediaContentType', error instanceof Error ? error.message : String(error));
  }
  await ownNumber(context, to);
  const result = await context.runtime.messages.receive({ to, from, body, mediaUrls, mediaContentTypes });
  if (!result) throw new RestError(400, 21211, `To: ${to} has no SmsUrl`);
  return {
    status: 201,
    body: {
      ...messageJson(result.message),
      replies: result.replies.map(messageJson),
      error: result.error ? { code: result.error.numericCode, message: result.error.message } : null,
    },
  };
}

export function simulatorResource(network: SimulatedNetwork | undefined): Resource {
  return async (context) => {
    if (context.rest === 'Simulator/Messages.json' && context.method === 'POST') return simulateMessage(context);
    if (context.rest !== 'Simulator/Calls.json' || context.method !== 'POST') return undefined;
    if (!network) throw notFound('Simulator');
    const form = await context.form();
    const to = field(form, 'To');
    const from = field(form, 'From') ?? '+15550100000';
    if (!to) throw invalid(21201, 'To', "no 'To' number is specified");
    await ownNumber(context, to);
    const inputs: PartyInput[] = [
      ...fields(form, 'Digits').map((digits) => ({ digits })),
      ...fields(form, 'Speech').map((speech) => ({ speech })),
    ];
    const hangupAfter = field(form, 'HangupAfter');
    const created = new Promise<CallRecord>((resolve) => {
      const onCreated = (call: CallRecord) => {
        if (call.to !== to || call.from !== from || call.direction !== 'inbound') return;
        context.runtime.events.off('call.created', onCreated);
        resolve(call);
      };
      context.runtime.events.on('call.created', onCreated);
    });
    const party = network.call({
      from,
      to,
      inputs,
      ...(hangupAfter ? { hangupAfterMs: Number(hangupAfter) * 1000 } : {}),
    });
    const call = await created;
    if (field(form, 'Wait') !== 'true') return { status: 201, body: callJson(call) };
    const ended = await context.runtime.calls.ended(call.sid);
    return { status: 201, body: { ...callJson(ended), transcript: party.lines() } };
  };
}
