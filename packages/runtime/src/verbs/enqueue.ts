/**
 * `<Enqueue>`: puts the caller in a named FIFO queue. While waiting, the `waitUrl` document runs
 * (re-fetched each time it ends, with QueuePosition, QueueTime, AvgQueueTime, CurrentQueueSize,
 * MaxQueueSize), or hold music plays. The wait ends when an agent takes the caller (`<Dial><Queue>`,
 * QueueResult `bridged` once that bridge is over), on `<Leave>` (`leave`), when the queue is full
 * (`queue-full`), on a hang-up (`hangup`), on live modification (`redirected`) or, in a cluster,
 * when the node holding the queue dies (`system-error`). The action
 * gets QueueResult, QueueSid and QueueTime; with no action the document goes on.
 */
import type { EnqueueNode } from '@patchbay/markup';
import { queueAccess } from '../queue/access.js';
import { QueueMember } from '../queue/queues.js';
import { paced } from './pacing.js';
import { action, NEXT, type Outcome, type VerbContext } from './types.js';

/** Played while waiting without a waitUrl: adapters map it to their own hold music. */
export const HOLD_MUSIC = 'patchbay:hold-music';

type QueueResult = 'bridged' | 'queue-full' | 'redirected' | 'hangup' | 'leave' | 'system-error';

export async function enqueue(node: EnqueueNode, context: VerbContext): Promise<Outcome> {
  await context.answer();
  const options = node.attributes;
  const accountSid = context.account.sid;
  const name = node.text.trim();
  const queues = queueAccess(context.queues);
  const { clock, leg } = context;
  const started = clock.now();
  const seconds = (since: number) => String(Math.round((clock.now() - since) / 1000));
  let queueSid: string | undefined;
  const finish = (result: QueueResult): Outcome =>
    options.action === undefined
      ? NEXT
      : action(
          context,
          { action: options.action, method: options.method },
          {
            QueueResult: result,
            ...(queueSid === undefined ? {} : { QueueSid: queueSid, QueueTime: seconds(started) }),
          },
        );

  const keepUp = new AbortController().signal;
  const member = new QueueMember(
    context.call.sid,
    leg,
    clock,
    async (url, method) => (await context.runNested({ url, method, params: context.params() }, keepUp)) === 'finished',
    context.signal,
  );
  const joined = await queues.enqueue({ accountSid, name, maxSize: options.maxQueueSize, member });
  if ('unplaced' in joined) {
    // In a cluster, the node holding the queue vanished before the caller was in it.
    context.warn(91353, joined.unplaced);
    return finish('system-error');
  }
  queueSid = joined.sid;
  if (joined.full) return finish('queue-full');
  const waiting = new AbortController();
  void member.handedOff.then(() => waiting.abort(new Error('taken by an agent')));
  member.lost.addEventListener('abort', () => waiting.abort(member.lost.reason), { once: true });
  let left = false;
  const stopWaiting = AbortSignal.any([context.signal, waiting.signal]);
  try {
    await paced(clock, stopWaiting, async () => {
      if (options.waitUrl === undefined) {
        await leg.play(HOLD_MUSIC, stopWaiting).catch(() => undefined);
        return true;
      }
      const status = await queues.status(accountSid, name, member);
      if (!status || waiting.signal.aborted) return false;
      // In a cluster: handed to an agent on another node, whose take is on its way.
      if (status.position === 0) return true;
      const params = context.params({
        QueuePosition: String(status.position),
        QueueSid: status.sid,
        QueueTime: seconds(member.enqueuedAt),
        AvgQueueTime: String(status.averageWaitSeconds),
        CurrentQueueSize: String(status.size),
        MaxQueueSize: String(status.maxSize),
      });
      const end = await context.runNested(
        { url: context.resolve(options.waitUrl), method: options.waitUrlMethod, params },
        waiting.signal,
      );
      left = end === 'left';
      return end === 'finished';
    });
  } finally {
    if (!member.isTaken) queues.leave(accountSid, name, member);
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
  if (member.lost.aborted && !context.signal.aborted) {
    context.warn(
      91354,
      `queue "${name}" is gone: the node holding it left the cluster, and the call could not be moved`,
    );
    return finish('system-error');
  }
  return finish('hangup');
}
