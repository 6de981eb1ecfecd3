/**
 * One device's session on the bridge: who it is (its verified token), whether it is registered,
 * the calls it holds, and the ordered stream of what the server sent it. The stream outlives the
 * connection: each message has a `seq`, stays until the device acknowledges it (or it expires),
 * and is sent again on resume, over whichever transport the device comes back on.
 */
import { randomBytes } from 'node:crypto';
import type { Outgoing, Sequenced, ServerMessage } from '@patchbay/sdk/protocol';
import { LIMITS } from '@patchbay/sdk/protocol';
import type { DeviceLeg } from '../media/types.js';
import type { VerifiedToken } from './access-tokens.js';

/** A connection the session speaks through: a WebSocket, or one pending long-poll. */
export interface Link {
  send(message: ServerMessage): void;
  /** Ends the connection (a WebSocket close code; a long-poll ends its response). */
  close(code: number, reason: string): void;
}

/** What a device does to one of its calls. */
export type DeviceCallControl = Pick<DeviceLeg, 'press' | 'setMuted' | 'remoteHangup' | 'renegotiate'>;

const REMEMBERED_REQUESTS = 512;
/** How fast a device may send: bursts of 100 messages, 50 a second sustained. */
export const RATE = { burst: 100, perSecond: 50 } as const;

export class DeviceSession {
  readonly id = randomBytes(16).toString('base64url');
  registered = false;
  /** Registered with WebRTC: its invitations carry Patchbay's SDP offer. */
  webrtc = false;
  /** Its invitations' offers carry the server's candidates (a device that never trickles: the hosted SDK). */
  candidatesInOffer = false;
  /** The token expired and no fresh one came yet. */
  expired = false;
  /** Last time the device was heard from (ms). */
  lastSeen: number;
  /** When the last connection was lost (ms); undefined while connected. */
  detachedAt: number | undefined;
  link: Link | undefined;
  /**
   * The device's calls: bridged incoming calls and calls it placed. What the device does to each
   * (a leg here, or on a cluster the relay to its leg on the caller's node).
   */
  readonly calls = new Map<string, DeviceCallControl>();
  /** Calls this session was invited to and has not answered. */
  readonly invitations = new Set<string>();
  /** Identities whose presence this session follows. */
  readonly following = new Set<string>();
  /** Messages the device may still send now (a token bucket: `RATE.burst`, refilled at `RATE.perSecond`). */
  private budget: number = RATE.burst;
  private budgetAt: number;
  private seq = 0;
  /**
   * Sent and not yet acknowledged, each with the time after which it is not sent again (an
   * invitation whose call stopped ringing). Kept beside the message, never in it: an invitation
   * carries its own `expiresAt`, which a replay must send unchanged.
   */
  private readonly unacked: Array<{ readonly message: Sequenced; readonly until?: number }> = [];
  private readonly requests = new Set<string>();

  constructor(
    public token: VerifiedToken,
    now: number,
  ) {
    this.lastSeen = now;
    this.budgetAt = now;
  }

  /** Takes one message from the device's budget; false when it sends faster than allowed. */
  spend(now: number): boolean {
    this.budget = Math.min(RATE.burst, this.budget + ((now - this.budgetAt) / 1000) * RATE.perSecond);
    this.budgetAt = now;
    if (this.budget < 1) return false;
    this.budget -= 1;
    return true;
  }

  get identity(): string {
    return this.token.identity;
  }

  get accountSid(): string {
    return this.token.accountSid;
  }

  /** Numbers a message, keeps it until acknowledged, and sends it if connected. False when the device is too far behind. */
  push(message: Outgoing, expiresAt?: number): boolean {
    if (this.unacked.length >= LIMITS.maxUnacked) return false;
    const sequenced = { ...message, seq: ++this.seq } as Sequenced;
    this.unacked.push(expiresAt === undefined ? { message: sequenced } : { message: sequenced, until: expiresAt });
    this.link?.send(sequenced);
    return true;
  }

  /**
   * Whether an ack of `seq` confirms a message still unacknowledged. Such acks take nothing from
   * the device's budget (receive.ts): the server's own sends bound how many there can be, and a
   * device following a busy room acks more than 50 messages a second. A repeated or empty ack
   * costs as any message does.
   */
  confirms(seq: number): boolean {
    const oldest = this.unacked[0];
    return oldest !== undefined && oldest.message.seq <= seq;
  }

  /** The device has everything up to `seq`. */
  ack(seq: number): void {
    let drop = 0;
    while (drop < this.unacked.length && (this.unacked[drop]?.message.seq ?? 0) <= seq) drop++;
    if (drop > 0) this.unacked.splice(0, drop);
  }

  /** Unacknowledged messages after `received` that have not expired, in order. */
  pending(received: number, now: number): Sequenced[] {
    this.ack(received);
    return this.unacked.filter(({ until }) => until === undefined || until > now).map(({ message }) => message);
  }

  /** Connects `link`, sending what the device missed since `received`. */
  attach(link: Link, received: number, now: number): void {
    if (this.link && this.link !== link) this.link.close(4001, 'replaced by a newer connection');
    this.link = link;
    this.detachedAt = undefined;
    this.lastSeen = now;
    for (const message of this.pending(received, now)) link.send(message);
  }

  detach(link: Link, now: number): void {
    if (this.link !== link) return;
    this.link = undefined;
    this.detachedAt = now;
  }

  /** True the first time a request id is seen; a repeat (sent again after a reconnect) is not carried out twice. */
  firstTime(id: string): boolean {
    if (this.requests.has(id)) return false;
    this.requests.add(id);
    if (this.requests.size > REMEMBERED_REQUESTS) {
      const oldest = this.requests.values().next().value;
      if (oldest !== undefined) this.requests.delete(oldest);
    }
    return true;
  }
}
