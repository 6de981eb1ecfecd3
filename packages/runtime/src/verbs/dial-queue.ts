/**
 * `<Dial><Queue>`: the agent side of a queue. Takes the caller at the front (waiting up to the
 * Dial timeout for one to arrive), runs the Queue's `url` document on that caller, and bridges
 * the two. The queued caller's Enqueue resumes when the bridge ends. In a cluster the queue and
 * the member's call may each be on another node (queue/access.ts): the verb is the same.
 */
import type { DialNode, QueueNode } from '@patchbay/markup';
import { queueAccess } from '../queue/access.js';
import { bridge } from './dial-legs.js';
import { action, NEXT, type Outcome, type VerbContext } from './types.js';

export async function dialQueue(node: DialNode, noun: QueueNode, context: VerbContext): Promise<Outcome> {
  const options = node.attributes;
  await context.answer();
  const member = await queueAccess(context.queues).next({
    accountSid: context.account.sid,
    name: noun.text.trim(),
    agentCallSid: context.call.sid,
    timeoutMs: options.timeout * 1000,
    signal: context.signal,
  });
  let status: 'completed' | 'no-answer' | 'canceled' = context.signal.aborted ? 'canceled' : 'no-answer';
  let seconds = 0;
  if (member) {
    let bridgeEnded!: () => void;
    member.take(
      context.call.sid,
      new Promise<void>((resolve) => {
        bridgeEnded = resolve;
      }),
    );
    try {
      const proceed =
        noun.attributes.url === undefined ||
        (await member.whisper(context.resolve(noun.attributes.url), noun.attributes.method));
      let memberGone = !proceed;
      member.leg.events.once('hangup', () => {
        memberGone = true;
      });
      if (proceed) {
        await member.connect();
        const bridged = await bridge(
          context,
          {
            leg: member.leg,
            get over() {
              return memberGone;
            },
            ended: member.ended,
            end: async () => {},
          },
          {
            timeLimitMs: options.timeLimit * 1000,
            hangupOnStar: options.hangupOnStar,
          },
        );
        seconds = bridged.seconds;
      }
    } finally {
      bridgeEnded();
    }
    status = 'completed';
  }
  if (context.replaced.aborted) throw context.replaced.reason;
  const params = {
    DialCallStatus: status,
    DialCallDuration: String(seconds),
    ...(member ? { DialCallSid: member.callSid } : {}),
  };
  return options.action === undefined
    ? NEXT
    : action(context, { action: options.action, method: options.method }, params);
}
