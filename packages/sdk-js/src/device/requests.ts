/**
 * Requests in flight: each gets exactly one outcome — its result, a typed error, or
 * ConnectionError after the timeout — and stays here until then, so it can be sent again on a new
 * connection (the server carries out an id once).
 */
import { DeviceError } from '../protocol/errors.js';
import type { ClientRequest, RoomSchedule, RoomSummary, Sequenced } from '../protocol/messages.js';
import type { DeviceClock } from './clock.js';

export type RequestBody<T extends ClientRequest['type']> = Omit<Extract<ClientRequest, { type: T }>, 'type' | 'id'>;
export interface RequestResult {
  readonly callSid?: string;
  readonly tokenExpiresAt?: number;
  /** After `connect` with an offer: Patchbay's answer. */
  readonly sdp?: string;
  /** After `room-command`: the command's sequence number in the room's log. */
  readonly roomSeq?: number;
  /** After `rooms`: the token's identity's rooms. */
  readonly rooms?: readonly RoomSummary[];
  /** After `room-schedules`: the room's scheduled calls. */
  readonly schedules?: readonly RoomSchedule[];
}

interface Pending {
  readonly message: ClientRequest;
  resolve(result: RequestResult): void;
  reject(error: DeviceError): void;
  cancelTimer(): void;
}

let counter = 0;

export class Requests {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly clock: DeviceClock,
    private readonly timeoutMs: number,
    /** Names the server in timeout messages. */
    private readonly server: string,
  ) {}

  /** A new request: `start` sends it (or gets a connection going); its promise settles once. */
  add<T extends ClientRequest['type']>(
    type: T,
    body: RequestBody<T>,
    start: (message: ClientRequest) => void,
  ): Promise<RequestResult> {
    const id = `${(++counter).toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    const message = { type, id, ...body } as ClientRequest;
    return new Promise((resolve, reject) => {
      const cancelTimer = this.clock.setTimeout(() => {
        this.pending.delete(id);
        reject(new DeviceError('ConnectionError', `no answer from ${this.server} to ${type}`));
      }, this.timeoutMs);
      this.pending.set(id, { message, resolve, reject, cancelTimer });
      start(message);
    });
  }

  has(type: ClientRequest['type']): boolean {
    for (const pending of this.pending.values()) if (pending.message.type === type) return true;
    return false;
  }

  /** Whether the request with this id still waits for its outcome. */
  waiting(id: string): boolean {
    return this.pending.has(id);
  }

  /** What waits now, to send again on a new connection. */
  snapshot(): ClientRequest[] {
    return [...this.pending.values()].map((pending) => pending.message);
  }

  /** A result arrived. */
  settle(result: Extract<Sequenced, { type: 'result' }>): void {
    const pending = this.pending.get(result.id);
    if (!pending) return;
    this.pending.delete(result.id);
    pending.cancelTimer();
    if (result.ok)
      pending.resolve({
        ...(result.callSid ? { callSid: result.callSid } : {}),
        ...(result.tokenExpiresAt ? { tokenExpiresAt: result.tokenExpiresAt } : {}),
        ...(result.roomSeq ? { roomSeq: result.roomSeq } : {}),
        ...(result.sdp ? { sdp: result.sdp } : {}),
        ...(result.rooms ? { rooms: result.rooms } : {}),
        ...(result.schedules ? { schedules: result.schedules } : {}),
      });
    else pending.reject(DeviceError.fromProtocol(result.error));
  }

  /** One request fails now (its connection could not be made). */
  fail(id: string, error: DeviceError): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    pending.cancelTimer();
    pending.reject(error);
  }

  /** Every request fails now. */
  failAll(error: DeviceError): void {
    for (const id of [...this.pending.keys()]) this.fail(id, error);
  }
}
