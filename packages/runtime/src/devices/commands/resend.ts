/**
 * The command service's timers (docs/commands.md#delivery-and-results): what is due goes out in
 * one batch per device (several commands, one text), over the device's channel when a session
 * carries it and otherwise with a wake-up; each open command's timer then waits for its result
 * and, when it falls due, resends it (backoff) or has it expired (decide.ts `onDue`). Recording
 * outcomes is the service's part (service.ts): these timers only ask it to.
 *
 * @example
 * const resends = new Resends(deps, { settle, open, change }, policy);
 * resends.deliverSoon(record); // delivered on the next tick, then resent until settled
 */
import type { CommandChannel } from '../../bridge/command-channel.js';
import { type Clock, holding } from '../../clock/clock.js';
import type { Store } from '../../store/types.js';
import type { DeviceRecord } from '../records.js';
import { attempted, type Outcome, onDue, type Policy } from './decide.js';
import { commandMessage } from './json.js';
import type { CommandRecord, DeliveredVia } from './records.js';

const KIND = 'device-command';

export interface ResendDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly channel?: CommandChannel | undefined;
  wake(device: DeviceRecord, open: readonly CommandRecord[]): Promise<DeliveredVia | undefined>;
  readonly onError?: ((error: unknown) => void) | undefined;
}

/** What the timers ask of the service that records outcomes. */
export interface Outcomes {
  settle(accountSid: string, sid: string, outcome: Outcome): Promise<unknown>;
  /** The device's open commands, in order (what a wake-up carries). */
  open(device: DeviceRecord): Promise<CommandRecord[]>;
  /** A conditional change; the record as it is when the command was settled meanwhile. */
  change(record: CommandRecord, change: (current: CommandRecord) => CommandRecord): Promise<CommandRecord>;
}

export class Resends {
  readonly #timers = new Map<string, () => void>();
  /** Commands to deliver now, by device: flushed together (several commands, one text). */
  readonly #due = new Map<string, { accountSid: string; records: Map<string, CommandRecord | undefined> }>();
  #flushing = false;
  #closed = false;

  constructor(
    private readonly deps: ResendDeps,
    private readonly outcomes: Outcomes,
    private readonly policy: Policy,
  ) {}

  close(): void {
    this.#closed = true;
    for (const cancel of this.#timers.values()) cancel();
    this.#timers.clear();
  }

  /** The command is settled: its timer goes. */
  settled(sid: string): void {
    this.#timers.get(sid)?.();
    this.#timers.delete(sid);
  }

  /** Delivers the command on the next tick, with the device's others due then (`known`: the record is current). */
  deliverSoon(record: CommandRecord, known = true): void {
    let due = this.#due.get(record.deviceSid);
    if (!due) {
      due = { accountSid: record.accountSid, records: new Map() };
      this.#due.set(record.deviceSid, due);
    }
    due.records.set(record.sid, known ? record : undefined);
    if (this.#flushing) return;
    this.#flushing = true;
    this.deps.clock.setTimer(() => {
      this.#flushing = false;
      const batch = [...this.#due];
      this.#due.clear();
      // Virtual time waits for the delivery (store, push service, SMS), as for any real I/O.
      for (const [deviceSid, { accountSid, records }] of batch)
        holding(this.deps.clock, () => this.#deliver(accountSid, deviceSid, records)).catch((error: unknown) =>
          this.deps.onError?.(error),
        );
    }, 0);
  }

  async #deliver(accountSid: string, deviceSid: string, wanted: Map<string, CommandRecord | undefined>): Promise<void> {
    const { store, clock, channel } = this.deps;
    const records = (
      await Promise.all(
        [...wanted].map(async ([sid, known]) => known ?? (await store.get<CommandRecord>(KIND, accountSid, sid))),
      )
    ).filter((record): record is CommandRecord => record?.open === true);
    if (records.length === 0 || this.#closed) return;
    let via: DeliveredVia | undefined;
    if (channel?.attached(deviceSid)) {
      for (const record of records) channel.send(commandMessage(record));
      via = 'channel';
    } else if (await channel?.sendElsewhere(deviceSid, records.map(commandMessage))) {
      // On a cluster: another node's connected session carries the device.
      via = 'channel';
    } else {
      const device = await store.get<DeviceRecord>('device', accountSid, deviceSid);
      if (!device) {
        // The device was deleted: its commands can never complete.
        for (const record of records) await this.outcomes.settle(accountSid, record.sid, { status: 'expired' });
        return;
      }
      // A session waiting for the device to resume keeps it too (sent on resume; the device drops a repeat).
      for (const record of records) channel?.send(commandMessage(record));
      via = await this.deps.wake(device, await this.outcomes.open(device));
    }
    for (const record of records)
      this.arm(await this.outcomes.change(record, (r) => attempted(r, via, clock.now(), this.policy)));
  }

  /** Arms the command's timer for its next attempt or its expiry, whichever comes first. */
  arm(record: CommandRecord): void {
    this.settled(record.sid);
    if (!record.open || this.#closed) return;
    const at = Math.min(record.nextAttemptAt ?? record.expiresAt, record.expiresAt);
    this.#timers.set(
      record.sid,
      this.deps.clock.setTimer(() => {
        this.#timers.delete(record.sid);
        holding(this.deps.clock, () => this.#onTimer(record)).catch((error: unknown) => this.deps.onError?.(error));
      }, at - this.deps.clock.now()),
    );
  }

  async #onTimer(armed: CommandRecord): Promise<void> {
    const record = await this.deps.store.get<CommandRecord>(KIND, armed.accountSid, armed.sid);
    if (!record) return;
    const decision = onDue(record, this.deps.clock.now(), this.policy);
    if (decision === 'expire') await this.outcomes.settle(record.accountSid, record.sid, { status: 'expired' });
    else if (decision === 'resend') this.deliverSoon(record, false);
    else if (decision === 'wait') this.arm(record);
  }
}
