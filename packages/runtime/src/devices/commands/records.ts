/**
 * Commands for devices (docs/commands.md): one durable record per command, numbered per device
 * (1, 2, 3...), with its status, attempts and result; one small record per device holding the
 * last number given; and the index of accounts that have commands, read at start-up to rebuild
 * the resend timers.
 */
import type { StoredRecord } from '../../store/types.js';

/** pending → delivered → completed | failed | expired; canceled by the account while open. */
export type CommandStatus = 'pending' | 'delivered' | 'completed' | 'failed' | 'expired' | 'canceled';

/** How a command last reached its device. */
export type DeliveredVia = 'channel' | 'web-push' | 'sms' | 'https';

export interface CommandRecord extends StoredRecord {
  readonly deviceSid: string;
  /** The device's own sequence number: 1, 2, 3... in the order the commands were posted. */
  readonly seq: number;
  readonly action: string;
  readonly params: Readonly<Record<string, string>>;
  readonly status: CommandStatus;
  /** Not settled yet (pending or delivered): an index field, so start-up finds what is open. */
  readonly open: boolean;
  /** Deliveries tried (the first one included). */
  readonly attempts: number;
  /** When the next delivery is tried if no result came (ms); absent once settled. */
  readonly nextAttemptAt?: number;
  /** No result by then: expired, whatever the attempts. */
  readonly expiresAt: number;
  readonly deliveredVia?: DeliveredVia;
  readonly deliveredAt?: number;
  /** The device's result: its values, and its error message when it failed. */
  readonly result?: Readonly<Record<string, string>>;
  readonly error?: string;
  readonly settledAt?: number;
  readonly resultCallback?: string;
  readonly resultCallbackMethod: 'GET' | 'POST';
  /**
   * Settled with a `resultCallback` whose webhook is not yet in the callback outbox: set by the
   * same update that records the outcome, cleared once the outbox holds it, so a crash in between
   * leaves the mark and the next start queues the webhook (docs/commands.md#the-result-webhook).
   */
  readonly webhookPending?: true;
  readonly updatedAt: number;
  /** In a cluster: the node keeping its timer (the one that accepted it, or took its node over). */
  readonly node?: string;
}

/** Kind `device-command-state`, SID = the device's: the last sequence number given. */
export interface CommandStateRecord extends StoredRecord {
  readonly lastSeq: number;
  /**
   * `created` (records made since this field): a put with `unlessStatusIn: ['created']` stores
   * the record only if it is not there yet, so two nodes making a device's first command at once
   * cannot both start its numbering.
   */
  readonly status?: 'created';
}

/** The index of accounts with commands (kind `setting`). */
export const COMMAND_INDEX_SID = 'device-command-accounts';
export interface CommandIndexRecord extends StoredRecord {
  readonly accounts: readonly string[];
}

/** Bounds and timing (docs/commands.md#limits). */
export const COMMAND_LIMITS = {
  /** Open (pending or delivered) commands per device, and per account. */
  openPerDevice: 100,
  openPerAccount: 10_000,
  /** Parameters per command, their names and values (the result's too). */
  params: 16,
  nameLength: 64,
  valueLength: 512,
  /** `Ttl` in seconds: default, least, most. */
  ttlS: { default: 24 * 3600, min: 10, max: 7 * 24 * 3600 },
  /** The first resend waits this long for a result; each next one twice as long, at most `maxResendMs`. */
  resendMs: 30_000,
  maxResendMs: 30 * 60_000,
  /** Deliveries tried in all before the command expires. */
  attempts: 6,
  /** Commands one `GET /DeviceCommands` returns. */
  fetchPage: 100,
  /** A text's length (3 SMS segments) and a Web Push form's (within its 4 KB payload). */
  smsChars: 459,
  pushChars: 3000,
  /** Texts one wake-up may send (the rest wait for the next, or a fetch). */
  textsPerWake: 5,
} as const;

export const isOpen = (status: CommandStatus): boolean => status === 'pending' || status === 'delivered';
