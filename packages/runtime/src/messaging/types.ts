/**
 * The messaging adapter: what carries text messages. `send` hands a message over and reports
 * each status change (sending, sent, delivered or failed/undelivered) through `onStatus`.
 */
export type MessageStatus =
  | 'queued'
  | 'sending'
  | 'sent'
  | 'failed'
  | 'delivered'
  | 'undelivered'
  | 'receiving'
  | 'received';

export interface OutgoingMessage {
  readonly sid: string;
  readonly from: string;
  readonly to: string;
  readonly body: string;
  readonly mediaUrls: readonly string[];
}

export interface MessagingAdapter {
  readonly name: string;
  send(message: OutgoingMessage, onStatus: (status: MessageStatus, errorCode?: number) => void): void;
}

/** A message as the runtime reports it. */
export interface MessageRecord {
  readonly sid: string;
  readonly accountSid: string;
  /** The call it was sent from (Sms in a voice document). */
  readonly callSid?: string;
  readonly direction: 'outbound-api' | 'outbound-call' | 'outbound-reply' | 'inbound';
  readonly from: string;
  readonly to: string;
  readonly body: string;
  readonly mediaUrls: readonly string[];
  readonly status: MessageStatus;
  readonly errorCode?: number;
  /** Where its status changes are posted (kept so a restarted server can send the final one). */
  readonly statusCallback?: string;
  readonly createdAt: number;
  readonly updatedAt: number;
}
