/**
 * What a test phone is, apart from how it runs: the calls it makes and takes, what it sends and
 * what it heard. baresip implements it today (baresip.ts); a browser phone could tomorrow, and
 * tests written against this interface would not change.
 *
 * @example
 * const phone: Phone = await startPhone({ address: '127.0.0.2', tone: 600 });
 * await phone.dial('sip:+15550100100@127.0.0.1:5060');
 * expect(hearsTone(await phone.listen(1000), 440)).toBe(true);
 */
import type { EventEmitter } from 'eventemitter3';
import type { PhoneAccount } from './baresip-config.js';

export type { PhoneAccount } from './baresip-config.js';

export interface PhoneOptions {
  /** Its own loopback address, e.g. 127.0.0.2 (baresip's net_interface must be an IP). */
  address: string;
  /** The frequency it sends, in Hz; silence when absent. */
  tone?: number;
  account?: PhoneAccount;
  /** Answer incoming calls at once. @default false */
  autoAnswer?: boolean;
  /** @default a free port on `address` */
  sipPort?: number;
  /** Length of the source file: the call ends when it ends. @default 120 */
  toneSeconds?: number;
  /** @default 5000 */
  startTimeoutMs?: number;
}

/** Each event carries one text: the caller's URI, the close reason, the digit; '' otherwise. */
export interface PhoneEvents {
  incoming: (from: string) => void;
  ringing: () => void;
  progress: () => void;
  established: () => void;
  closed: (reason: string) => void;
  registered: () => void;
  registerFailed: (reason: string) => void;
  dtmf: (digit: string) => void;
}
export type PhoneEvent = keyof PhoneEvents;

export interface Phone {
  /** Where to dial this phone directly: sip:<user>@<address>:<sipPort>. */
  readonly uri: string;
  /** Its address of record (the account's, or the direct URI). */
  readonly aor: string;
  readonly address: string;
  readonly sipPort: number;
  readonly events: EventEmitter<PhoneEvents>;
  /** RFC 4733 digits received so far, in order. */
  readonly digits: string;
  dial(uri: string): Promise<void>;
  accept(): Promise<void>;
  hangup(): Promise<void>;
  /** RFC 4733 events by default; `inband` sends the tone pairs in the audio instead. */
  sendDigits(digits: string, options?: { inband?: boolean }): Promise<void>;
  /**
   * Sends `pcm` (8 kHz) now, in place of its tone, then its tone again or silence (`after`, @default
   * 'tone'): speech for Record or Gather, silence to end a recording.
   */
  play(pcm: Int16Array, options?: { after?: 'tone' | 'silence' }): Promise<void>;
  hold(): Promise<void>;
  resume(): Promise<void>;
  /**
   * Resolves with the event's text at its next occurrence, or at once with the oldest one not yet
   * waited for. Waiting for ringing, progress or established rejects if the call closes first.
   */
  waitFor(event: PhoneEvent, timeoutMs?: number): Promise<string>;
  /** What it heard in its latest call so far (8 kHz, from sndfile's -dec recording). */
  heard(): Promise<Int16Array>;
  /**
   * What it heard, once the recording holds at least `ms` of audio (checked every 50 ms; a wait
   * on the condition, not a fixed sleep). Rejects after `timeoutMs` (@default ms + 3000).
   */
  listen(ms: number, timeoutMs?: number): Promise<Int16Array>;
  close(): Promise<void>;
  /**
   * Kills the phone abruptly (SIGKILL): a peer that vanishes mid-call, sending no BYE. Its own
   * waiters see 'closed' with reason 'baresip exited'; close() still cleans up.
   */
  vanish(): void;
}
