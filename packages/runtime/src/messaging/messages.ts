/**
 * Sent and received messages: their records and their status callbacks (MessageSid, MessageStatus, and the
 * legacy SmsSid, SmsStatus), delivered in the background like every callback.
 */
import type { Clock } from '../clock/clock.js';
import { refusal } from '../refusal.js';
import { newSid } from '../sid.js';
import type { Callbacks } from '../webhooks/callbacks.js';
import type { MessageRecord, MessageStatus, MessagingAdapter } from './types.js';

export interface SendMessage {
  /** The message's SID, assigned in advance by a sender that must know it before sending (idempotent relays). */
  readonly sid?: string;
  /** The sending account: the message is its, and its auth token signs the status callbacks. */
  readonly account: { readonly sid: string; readonly authToken: string };
  readonly to: string;
  readonly from: string;
  readonly body: string;
  readonly mediaUrls?: readonly string[];
  readonly statusCallback?: string;
  readonly callSid?: string;
  readonly direction?: MessageRecord['direction'];
}

/** The statuses a message never leaves (the store refuses a later status: api/persist.ts). */
export const FINAL_MESSAGE_STATUSES: readonly MessageStatus[] = ['delivered', 'undelivered', 'failed', 'received'];
const FINAL = new Set<MessageStatus>(FINAL_MESSAGE_STATUSES);

export class Messages {
  private readonly records = new Map<string, MessageRecord>();
  /** Sent messages not yet in a final status, and who waits for there to be none. */
  private readonly underWay = new Set<string>();
  private idle: Array<() => void> = [];

  constructor(
    private readonly adapter: MessagingAdapter,
    private readonly clock: Clock,
    private readonly callbacks: Callbacks,
    private readonly onChange: (message: MessageRecord) => void,
    /** Finished messages kept for `get`/`list` (the most recent). */
    private readonly keep = 1000,
    /** Stores a new message before it is run (see RuntimeOptions.admit). */
    private readonly admit?: (message: MessageRecord) => Promise<void>,
  ) {}

  /**
   * Resolves once `message` (just made) is admitted; else it is marked failed (20503, no
   * callback) and this rejects with the store's error.
   */
  async admission(message: MessageRecord): Promise<void> {
    if (!this.admit) return;
    try {
      await this.admit(message);
    } catch (error) {
      const typed = refusal(error);
      this.update(message.sid, 'failed', typed.numericCode, undefined, '');
      throw typed;
    }
  }

  /** Drops the oldest finished messages beyond `keep` (ones still under way stay). */
  private trim(): void {
    if (this.records.size <= this.keep) return;
    for (const [sid, record] of this.records) {
      if (this.records.size <= this.keep) return;
      if (FINAL.has(record.status)) this.records.delete(sid);
    }
  }

  /** A new message record, kept and reported. */
  private create(
    message: Pick<MessageRecord, 'accountSid' | 'direction' | 'from' | 'to' | 'body' | 'status'> & {
      readonly sid?: string | undefined;
      readonly callSid?: string | undefined;
      readonly mediaUrls?: readonly string[] | undefined;
      readonly statusCallback?: string | undefined;
    },
  ): MessageRecord {
    const now = this.clock.now();
    const { sid, callSid, mediaUrls, statusCallback, ...rest } = message;
    const record: MessageRecord = {
      sid: sid ?? newSid('SM'),
      ...rest,
      ...(callSid ? { callSid } : {}),
      ...(statusCallback ? { statusCallback } : {}),
      mediaUrls: mediaUrls ?? [],
      createdAt: now,
      updatedAt: now,
    };
    this.records.set(record.sid, record);
    this.trim();
    this.onChange(record);
    return record;
  }

  send(request: SendMessage): MessageRecord {
    const record = this.create({
      sid: request.sid,
      accountSid: request.account.sid,
      callSid: request.callSid,
      direction: request.direction ?? 'outbound-api',
      from: request.from,
      to: request.to,
      body: request.body,
      mediaUrls: request.mediaUrls,
      status: 'queued',
      statusCallback: request.statusCallback,
    });
    this.underWay.add(record.sid);
    const hand = () =>
      this.adapter.send(
        { sid: record.sid, from: record.from, to: record.to, body: record.body, mediaUrls: record.mediaUrls },
        (status, errorCode) =>
          this.update(record.sid, status, errorCode, request.statusCallback, request.account.authToken),
      );
    if (this.admit) this.admission(record).then(hand, () => undefined);
    else hand();
    return record;
  }

  /** Records a message that arrived (direction inbound, status received). */
  received(inbound: {
    readonly account: { readonly sid: string };
    readonly from: string;
    readonly to: string;
    readonly body: string;
    readonly mediaUrls?: readonly string[];
  }): MessageRecord {
    return this.create({
      accountSid: inbound.account.sid,
      direction: 'inbound',
      from: inbound.from,
      to: inbound.to,
      body: inbound.body,
      mediaUrls: inbound.mediaUrls,
      status: 'received',
    });
  }

  /** Resolves when no sent message awaits its final status (a server drains them before it stops). */
  settled(): Promise<void> {
    if (this.underWay.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  get(sid: string): MessageRecord | undefined {
    return this.records.get(sid);
  }

  list(filter: { to?: string; from?: string; callSid?: string } = {}): MessageRecord[] {
    return [...this.records.values()].filter(
      (m) =>
        (filter.to === undefined || m.to === filter.to) &&
        (filter.from === undefined || m.from === filter.from) &&
        (filter.callSid === undefined || m.callSid === filter.callSid),
    );
  }

  private update(
    sid: string,
    status: MessageStatus,
    errorCode: number | undefined,
    statusCallback: string | undefined,
    authToken: string,
  ): void {
    const previous = this.records.get(sid);
    if (!previous) return;
    const record: MessageRecord = {
      ...previous,
      status,
      updatedAt: this.clock.now(),
      ...(errorCode === undefined ? {} : { errorCode }),
    };
    this.records.set(sid, record);
    if (FINAL.has(status) && this.underWay.delete(sid) && this.underWay.size === 0) {
      for (const resolve of this.idle.splice(0)) resolve();
    }
    // Queued before the record is written, as a call's (interpreter/call-state.ts): a crash between
    // the two never leaves a message final in the store without its final callback.
    if (statusCallback)
      this.callbacks.send({ url: statusCallback, method: 'POST', authToken, ...messageCallback(record) });
    this.onChange(record);
  }
}

/**
 * The status callback of `message` in its current status: its key and parameters. The key is once
 * per status, and one for every final status (`SmSid:final`, as a call's), so a message gets one
 * final callback whichever node queues it first: its own node, or the survivor that ended it.
 */
export function messageCallback(message: MessageRecord): { key: string; params: Record<string, string> } {
  return {
    key: `${message.sid}:${FINAL.has(message.status) ? 'final' : message.status}`,
    params: {
      MessageSid: message.sid,
      SmsSid: message.sid,
      AccountSid: message.accountSid,
      From: message.from,
      To: message.to,
      MessageStatus: message.status,
      SmsStatus: message.status,
      ApiVersion: '2010-04-01',
      ...(message.errorCode === undefined ? {} : { ErrorCode: String(message.errorCode) }),
    },
  };
}
