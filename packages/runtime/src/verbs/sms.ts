/**
 * `<Sms>` (legacy, in voice documents): sends a text message during the call, through the
 * messaging adapter. `to` defaults to the caller and `from` to the number called. The action
 * gets SmsSid and SmsStatus; `statusCallback` follows the message to delivery.
 */
import type { SmsNode } from '@patchbay/markup';
import { action, NEXT, type Outcome, type VerbContext } from './types.js';

export async function sms(node: SmsNode, context: VerbContext): Promise<Outcome> {
  const options = node.attributes;
  const body = node.text.trim();
  if (body === '') {
    context.warn(14103, '<Sms> has no text to send');
    return NEXT;
  }
  if (options.from !== undefined && !(await context.mayPresent(options.from))) {
    context.warn(14102, `<Sms from="${options.from}">: the number belongs to another account; nothing is sent`);
    return NEXT;
  }
  const message = context.sendMessage({
    to: options.to ?? context.call.from,
    from: options.from ?? context.call.to,
    body,
    ...(options.statusCallback === undefined ? {} : { statusCallback: context.resolve(options.statusCallback) }),
  });
  if (options.action === undefined) return NEXT;
  return action(
    context,
    { action: options.action, method: options.method },
    { SmsSid: message.sid, SmsStatus: 'sending' },
  );
}
