/**
 * `<Enqueue>`: puts the caller in a named FIFO queue. While waiting, the `waitUrl` document runs
 * (re-fetched each time it ends, with QueuePosition, QueueTime, AvgQueueTime, CurrentQueueSize,
 * MaxQueueSize), or hold music plays. The wait ends when an agent takes the caller (`<Dial><Queue>`,
 * QueueResult `bridged` once that bridge is over), on `<Leave>` (`leave`), when the queue is full
 * (`queue-full`), on a hang-up (`hangup`) or on live modification (`redirected`). The action
 * gets QueueResult, QueueSid and QueueTime; with no action the document goes on.
 */
import type { EnqueueNode } from '@patchbay/markup';
import { QueueMember } from '../queue/queues.js';
import { paced } from './pacing.js';
import { action, NEXT, type Outcome, type VerbContext } from './types.js';

/** Played while waiting without a waitUrl: adapters map it to their own hold music. */
export const HOLD_MUSIC = 'patchbay:hold-music';

type QueueResult = 'bridged' | 'queue-full' | 'redirected' | 'hangup' | 'leave';

export async function enqueue(node: EnqueueNode, context: VerbContext): Promise<Outcome> {
  await context.answer();
  const options = node.attributes;
  const queue = context.queues.open(context.account.sid, node.text.trim());
  if (options.maxQueueSize !== undefined) queue.maxSize = options.maxQueueSize;
  const { clock, leg } = context;
  const started = clock.now();
  const seconds = (since: number) => String(Math.round((clock.now() - since) / 1000));
  const finish = (result: QueueResult): Outcome =>
    options.action === undefined
      ? NEXT
      : action(
          context,
          { action: options.action, method: options.method },
          { QueueResult: result, QueueSid: queue.sid, QueueTime: seconds(started) },
        );

  if (queue.size >= queue.maxSize) return finish('queue-full');
  const keepUp = new AbortController().signal;
  const member = new QueueMember(
    context.call.sid,
    leg,
    clock,
    async (url, method) => (await context.runNested({ url, method, params: context.params() }, keepUp)) === 'finished',
    context.signal,
  );
  const waiting = new AbortController();
  void member.handedOff.then(() => waiting.abort(new Error('taken by an agent')));
  queue.join(member);
  let left = false;
  const stopWaiting = AbortSignal.any([context.signal, waiting.signal]);
  try {
    await paced(clock, stopWaiting, async () => {
      if (options.waitUrl === undefined) {
        await leg.play(HOLD_MUSIC, stopWaiting).catch(() => undefined);
        return true;
      }
      const params = context.params({
        QueuePosition: String(queue.position(member)),
        QueueSid: queue.sid,
        QueueTime: seconds(member.enqueuedAt),
        AvgQueueTime: String(queue.averageWaitSeconds()),
        CurrentQueueSize: String(queue.size),
        MaxQueueSize: String(queue.maxSize),
      });
      const end = await context.runNested(
        { url: context.resolve(options.waitUrl), method: options.waitUrlMethod, params },
        waiting.signal,
      );
      left = end === 'left';
      return end === 'finished';
    });
  } finally {
    if (!member.isTaken) queue.remove(member);
  }

  if (member.isTaken) {
    await (await member.handedOff).bridged;
    return finish('bridged');
  }
  if (left) return finish('leave');
  if (context.replaced.aborted) {
    const outcome = finish('redirected');
    if (outcome.type === 'fetch') context.notify(outcome.url, outcome.method, outcome.params ?? context.params());
    throw context.replaced.reason;
  }
  return finish('hangup');
}
