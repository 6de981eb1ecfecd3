/**
 * A settled command's result webhook (docs/commands.md#the-result-webhook), never lost to a
 * crash: the update that records the outcome also marks the command `webhookPending`; the webhook
 * is then stored in the durable callback outbox (under the key `<DC…>:settled`, stored once) and
 * only after that the mark is cleared. A server killed in between leaves the mark, and the next
 * start queues every settled command still marked: queued twice at worst, which the outbox's key
 * turns into once.
 *
 * @example
 * await queueResultWebhook(store, callbacks, settledRecord); // in the outbox, mark cleared
 * await queueMarked(store, callbacks, accountSid); // at start-up
 */
import type { Store } from '../../store/types.js';
import type { Callbacks } from '../../webhooks/callbacks.js';
import { webhookQueued } from './decide.js';
import { callbackParams } from './json.js';
import { COMMAND_LIMITS, type CommandRecord } from './records.js';

const KIND = 'device-command';

/** Queues a marked command's result webhook in the callback outbox, then clears the mark. */
export async function queueResultWebhook(store: Store, callbacks: Callbacks, record: CommandRecord): Promise<void> {
  if (!record.webhookPending || !record.resultCallback) return;
  // Signed at delivery with the account's token then (an account gone by then gets nothing).
  const callback = {
    url: record.resultCallback,
    method: record.resultCallbackMethod,
    params: callbackParams(record),
    key: `${record.sid}:settled`,
  };
  if (callbacks.queue) await callbacks.queue(callback);
  else callbacks.send(callback);
  await store.update<CommandRecord>(KIND, record.accountSid, record.sid, webhookQueued);
}

/** Queues the webhooks of the account's settled commands still marked (start-up, after a crash). */
export async function queueMarked(store: Store, callbacks: Callbacks, accountSid: string): Promise<void> {
  const seen = new Set<string>();
  for (;;) {
    const { items } = await store.list<CommandRecord>(KIND, {
      accountSid,
      where: { webhookPending: true, open: false },
      page: 0,
      pageSize: COMMAND_LIMITS.fetchPage,
    });
    // Each one queued loses its mark, so the first page holds the next ones; none new: all done.
    const fresh = items.filter((record) => !seen.has(record.sid));
    if (fresh.length === 0) return;
    for (const record of fresh) {
      seen.add(record.sid);
      await queueResultWebhook(store, callbacks, record);
    }
  }
}
