/**
 * Patchbay's own resource for trying apps with no phone: places an inbound call on the simulated
 * network (`Simulator/Calls.json`, simulator-calls.ts), scripts far ends by number
 * (`Simulator/Numbers`, simulator-numbers.ts), or delivers a text message to a number
 * (`POST .../Simulator/Messages.json` with `To`, `From`, `Body`, `MediaUrl` repeated, and
 * `MediaContentType` repeated alongside).
 */
import type { SimulatedNetwork } from '../../adapters/simulated/network.js';
import { mediaContentTypes as checkMediaTypes } from '../../messaging/media-types.js';
import type { Store } from '../../store/types.js';
import { field, fields, invalid, notFound, RestError } from '../http.js';
import type { Resource, ResourceContext, ResourceResult } from './context.js';
import { messageJson } from './messages.js';
import type { NumberRecord } from './numbers.js';
import { simulatorCalls } from './simulator-calls.js';
import { simulatorNumbers } from './simulator-numbers.js';

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

export function simulatorResource(network: SimulatedNetwork | undefined, store: Store, keepAliveMs?: number): Resource {
  const calls = network ? simulatorCalls(network, keepAliveMs) : undefined;
  const numbers = network ? simulatorNumbers(network, store) : undefined;
  return async (context) => {
    if (context.rest === 'Simulator/Messages.json' && context.method === 'POST') return simulateMessage(context);
    if (context.rest !== 'Simulator/Calls.json' && !context.rest.startsWith('Simulator/Numbers')) return undefined;
    if (!calls || !numbers) throw notFound('Simulator');
    if (context.rest !== 'Simulator/Calls.json') return numbers(context);
    if (context.method !== 'POST') return undefined;
    return calls(context, (to) => ownNumber(context, to));
  };
}
