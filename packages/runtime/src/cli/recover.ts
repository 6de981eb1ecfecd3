/**
 * What a previous process left unfinished in the store, closed at start: calls and conferences
 * still live (their process is gone), and messages still on their way (`queued`, `sending`,
 * `sent`: the carrier hand-off died with the process), each with the final status callback its
 * app asked for, so no app waits forever for a last callback.
 */
import type { StoredConference } from '../api/persist.js';
import type { CallRecord, CallStatus } from '../calls/call.js';
import { callWebhookParams } from '../calls/webhook-params.js';
import { finalCallbackKey } from '../interpreter/call-state.js';
import { FINAL_MESSAGE_STATUSES, messageCallback } from '../messaging/messages.js';
import type { MessageRecord, MessageStatus } from '../messaging/types.js';
import type { Store } from '../store/types.js';
import { rfc2822 } from '../webhooks/callbacks.js';

export const LIVE: readonly CallStatus[] = ['queued', 'ringing', 'in-progress'];

/**
 * The `completed` status callback of a call a crash ended, if the app asked for it. It has the
 * outbox key every final callback of a call has (`CallSid:final`, interpreter/call-state.ts), so
 * a call's final callback is stored once, whoever queues it first: the node running the call as
 * it ends (a partitioned node ending its calls), or the survivor taking the call over.
 * Its SequenceNumber comes after every one used: the stored record is written at each status
 * change just before that change's callback takes the next number, so at most one number was
 * used since (a gap of one is harmless; a number used twice would not be).
 */
async function finalCallback(store: Store, call: CallRecord, now: number): Promise<void> {
  const settings = call.statusCallback;
  if (!settings?.events.includes('completed')) return;
  const sequence = settings.nextSequence + 1;
  await store.outbox.add({
    key: finalCallbackKey(call.sid),
    accountSid: call.accountSid,
    url: settings.url,
    method: settings.method,
    params: {
      ...callWebhookParams(call, call.status),
      CallbackSource: 'call-progress-events',
      SequenceNumber: String(sequence),
      Timestamp: rfc2822(now),
      CallDuration: String(call.duration ?? 0),
      Duration: String(Math.ceil((call.duration ?? 0) / 60)),
    },
    nextAttemptAt: now,
  });
}

/**
 * Calls and conferences still live in the store belonged to a process that is gone: close them,
 * and queue the final status callback of each call whose app asked for one. With `node` (a
 * cluster: records carry the node that runs them), only that node's.
 */
export async function recoverCalls(store: Store, now: number, node?: string): Promise<number> {
  const mine = node === undefined ? {} : { node };
  let recovered = 0;
  for (const status of LIVE) {
    for (;;) {
      const call = await store.findOne<CallRecord>('call', { status, ...mine });
      if (!call) break;
      const ended: CallRecord = {
        ...call,
        status: status === 'in-progress' ? 'completed' : 'failed',
        updatedAt: now,
        endedAt: now,
        duration: call.startedAt === undefined ? 0 : Math.round((now - call.startedAt) / 1000),
        errors: [...call.errors, { code: 20500, message: 'the server stopped during the call', at: now }],
      };
      await store.put('call', ended);
      await finalCallback(store, ended, now);
      recovered++;
    }
  }
  for (const status of ['init', 'in-progress'] as const) {
    for (;;) {
      const room = await store.findOne<StoredConference>('conference', { status, ...mine });
      if (!room) break;
      await store.put('conference', { ...room, status: 'completed', endedAt: now, updatedAt: now });
      recovered++;
    }
  }
  return recovered;
}

/**
 * The final status of a message in flight at a crash: never handed over (`queued`, `sending`)
 * is `failed`, handed to the carrier but not confirmed (`sent`) is `undelivered`, both with
 * 30008 (unknown error): nobody can tell whether it arrived.
 */
const IN_FLIGHT: Readonly<Partial<Record<MessageStatus, MessageStatus>>> = {
  queued: 'failed',
  sending: 'failed',
  sent: 'undelivered',
};

/** The 2010-04-01 code for a message whose fate is unknown. */
export const UNKNOWN_MESSAGE_ERROR = 30008;

/** Messages a dead process (or cluster node: `node`) left on their way: ended, and their final status callback queued. */
export async function recoverMessages(store: Store, now: number, node?: string): Promise<number> {
  const mine = node === undefined ? {} : { node };
  let recovered = 0;
  for (const [status, final] of Object.entries(IN_FLIGHT) as Array<[MessageStatus, MessageStatus]>) {
    for (;;) {
      const message = await store.findOne<MessageRecord>('message', { status, ...mine });
      if (!message) break;
      const ended: MessageRecord = { ...message, status: final, errorCode: UNKNOWN_MESSAGE_ERROR, updatedAt: now };
      // Its node, still running, may have given it a final status since it was read: that one stays.
      await store.put('message', ended, { unlessStatusIn: FINAL_MESSAGE_STATUSES });
      const stored = await store.get<MessageRecord>('message', message.accountSid, message.sid);
      if (stored?.status !== final || stored.errorCode !== UNKNOWN_MESSAGE_ERROR) continue; // it ended on its own
      if (ended.statusCallback) {
        await store.outbox.add({
          ...messageCallback(ended),
          accountSid: ended.accountSid,
          url: ended.statusCallback,
          method: 'POST',
          nextAttemptAt: now,
        });
      }
      recovered++;
    }
  }
  return recovered;
}

/**
 * What one process left unfinished: every record at a single node's start (no `node`), or one
 * cluster node's (at its own start, or by the survivor that took it over when it died),
 * including the callbacks it had claimed and not delivered.
 */
export async function recoverOwn(
  store: Store,
  now: number,
  node?: string,
): Promise<{ calls: number; messages: number; callbacks: number }> {
  const calls = await recoverCalls(store, now, node);
  const messages = await recoverMessages(store, now, node);
  // A node's claims on the shared outbox (claimed_by is its id) would wait out their leases:
  // nobody is delivering them now, so they are due at once.
  const callbacks = node === undefined ? 0 : ((await store.outbox.release?.(node, now)) ?? 0);
  return { calls, messages, callbacks };
}
