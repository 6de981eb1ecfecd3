/**
 * Relaying a room message, durably: the message was stored with every SMS it owes (each with its
 * message SID assigned in advance) and `relay: pending` before anything is sent; then its log
 * entry is appended, its status callback queued, each SMS handed to the messaging module, and
 * only then is it marked `done`. Store writes land in the order they are made, so `done` is
 * never stored before the SMS records. A server killed at any moment finds the message pending
 * at start-up (`resume`) and makes only what is missing: the log entry unless the log has one
 * for the message, each SMS unless its SID is stored (handed over already: never sent twice;
 * its fate is the message's own status), the callback under the same idempotency key.
 *
 * In a cluster each message carries the node relaying it (`node`): a node resumes only its own
 * at start, so a node starting while another relays a message never sends its SMS twice, and the
 * survivor the bus names to take a dead node over (`takeOver`) claims that node's pending
 * messages one at a time (`node` moves to it in one atomic change) before finishing them.
 *
 * @example
 * const relay = new ChatRelay({ store, runtime, audit });
 * await relay.resume(); // at start-up
 */
import type { AccountRecord } from '../../api/auth.js';
import { updateIf } from '../../store/conditional.js';
import type { RoomEventRecord } from '../call/audit.js';
import { postToRoom } from '../call/events.js';
import type { RoomRecord } from '../records.js';
import type { ChatDeps } from './chat.js';
import { smsText } from './content.js';
import type { RoomMessageRecord } from './records.js';

/** The status callback's parameters for a message (as every room event's, PascalCase). */
export function messageCallbackParams(message: RoomMessageRecord, sequence: number, at: number) {
  return {
    AccountSid: message.accountSid,
    RoomSid: message.roomSid,
    StatusCallbackEvent: 'message',
    RoomMessageSid: message.sid,
    ...(message.from ? { MemberSid: message.from } : {}),
    Source: message.source,
    Private: String(message.to !== undefined),
    Timestamp: new Date(at).toISOString(),
    SequenceNumber: String(sequence),
  };
}

export class ChatRelay {
  constructor(private readonly deps: ChatDeps) {}

  /** Makes what the message still owes (all of it, for a new one); resolves with it done. */
  async run(message: RoomMessageRecord, resuming = false): Promise<RoomMessageRecord> {
    const { store, runtime } = this.deps;
    const room = await store.get<RoomRecord>('room', message.accountSid, message.roomSid);
    const account = await store.get<AccountRecord>('account', message.accountSid, message.accountSid);
    if (!room || !account) {
      // The room went meanwhile: nothing more is owed.
      await store.delete('room-message', message.accountSid, message.sid);
      return message;
    }
    const sequence = (resuming ? await this.#logged(message) : undefined) ?? (await this.#log(room, message));
    if (sequence !== undefined) {
      const params = messageCallbackParams(message, sequence, runtime.clock.now());
      postToRoom(runtime.callbacks, room, params, `${message.sid}:message`);
    }
    const text = smsText(message);
    for (const delivery of message.deliveries) {
      if (resuming && (await store.get('message', message.accountSid, delivery.messageSid))) continue;
      runtime.messages.send({
        sid: delivery.messageSid,
        account: { sid: account.sid, authToken: account.authToken },
        to: delivery.to,
        from: room.phoneNumber,
        body: text,
        mediaUrls: message.mediaUrls,
      });
    }
    const done = await store.update<RoomMessageRecord>('room-message', message.accountSid, message.sid, (current) => ({
      ...current,
      relay: 'done',
      ...(sequence === undefined ? {} : { sequence }),
    }));
    return done ?? { ...message, relay: 'done' };
  }

  /**
   * Messages a previous process left pending: finished, each once. Resolves with how many. In a
   * cluster, only this node's (a previous process under its id).
   */
  async resume(): Promise<number> {
    const node = this.deps.bus?.nodeId;
    let resumed = 0;
    for (;;) {
      const pending = await this.deps.store.findOne<RoomMessageRecord>('room-message', {
        relay: 'pending',
        ...(node === undefined ? {} : { node }),
      });
      if (!pending) return resumed;
      await this.run(pending, true);
      resumed++;
    }
  }

  /** A dead node's pending messages, claimed for this node one at a time and finished. Resolves with how many. */
  async takeOver(dead: string): Promise<number> {
    const self = this.deps.bus?.nodeId;
    if (self === undefined || self === dead) return 0;
    const { store } = this.deps;
    let resumed = 0;
    for (;;) {
      const pending = await store.findOne<RoomMessageRecord>('room-message', { relay: 'pending', node: dead });
      if (!pending) return resumed;
      const claimed = await updateIf<RoomMessageRecord>(
        store,
        'room-message',
        pending.accountSid,
        pending.sid,
        (current) => (current.relay === 'pending' && current.node === dead ? { ...current, node: self } : undefined),
      );
      if (!claimed) continue; // finished or claimed meanwhile: not this node's to finish
      await this.run(claimed, true);
      resumed++;
    }
  }

  /** The message's entry in the room's log, when it has one. */
  async #logged(message: RoomMessageRecord): Promise<number | undefined> {
    if (message.sequence !== undefined) return message.sequence;
    const page = await this.deps.store.list<RoomEventRecord>('room-event', {
      accountSid: message.accountSid,
      where: { roomSid: message.roomSid, messageSid: message.sid },
      page: 0,
      pageSize: 1,
    });
    return page.items[0]?.sequence;
  }

  async #log(room: RoomRecord, message: RoomMessageRecord): Promise<number | undefined> {
    const entry = await this.deps.audit?.append(room, {
      kind: 'event',
      type: 'message',
      messageSid: message.sid,
      ...(message.from ? { memberSid: message.from } : {}),
      ...(message.to ? { members: message.to } : {}),
    });
    return entry?.sequence;
  }
}
