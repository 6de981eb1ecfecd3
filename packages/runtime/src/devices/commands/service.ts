/**
 * The command service (docs/commands.md): stores each command (numbered per device), has it
 * delivered and resent (resend.ts: over the device's channel when a session carries it,
 * otherwise a wake-up; with backoff until a result comes or the attempts are spent), and
 * records exactly one outcome per command (a result, expiry, cancel): every change is a conditional
 * store update (decide.ts), so a second result, a late one, or a resend racing a result changes
 * nothing. Timers are rebuilt from the store at start-up, so a restart loses no command; and
 * result webhooks a crash kept from the callback outbox (still marked `webhookPending`) are
 * queued then.
 *
 * @example
 * const service = new CommandService({ store, clock, channel, wake, callbacks });
 * await service.start();
 * const command = await service.submit(account, deviceSid, { action: 'lock', params: {} });
 */
import type { AccountRecord } from '../../api/auth.js';
import { notFound, RestError } from '../../api/http.js';
import { allOf } from '../../api/resources/sip/common.js';
import type { CommandChannel } from '../../bridge/command-channel.js';
import type { Clock } from '../../clock/clock.js';
import { indexAccount } from '../../store/account-index.js';
import { updateOrCreate } from '../../store/conditional.js';
import type { Store } from '../../store/types.js';
import type { Callbacks } from '../../webhooks/callbacks.js';
import type { DeviceRecord } from '../records.js';
import type { ClusterCommandBound } from './cluster-bound.js';
import { DEFAULT_POLICY, delivered, type Outcome, type Policy, Settled, settle } from './decide.js';
import { commandRecord, type NewCommand } from './new-command.js';
import {
  COMMAND_INDEX_SID,
  COMMAND_LIMITS,
  type CommandIndexRecord,
  type CommandRecord,
  type CommandStateRecord,
  type DeliveredVia,
} from './records.js';
import { Resends } from './resend.js';
import { queueMarked, queueResultWebhook } from './result-webhook.js';
import { takeOverCommands } from './takeover.js';

export type { NewCommand } from './new-command.js';

export interface CommandServiceDeps {
  readonly store: Store;
  readonly clock: Clock;
  /** The device channel of this node's bridge (absent: no bridge, every command wakes its device). */
  readonly channel?: CommandChannel | undefined;
  /** Wakes a device not on the channel with its open commands (Web Push, SMS): how it was reached, if it was. */
  wake(device: DeviceRecord, open: readonly CommandRecord[]): Promise<DeliveredVia | undefined>;
  readonly callbacks?: Callbacks | undefined;
  readonly policy?: Policy | undefined;
  readonly onError?: ((error: unknown) => void) | undefined;
  /** Told of each command once it is settled (recorded): benchmarks time it. */
  readonly onSettled?: ((record: CommandRecord) => void) | undefined;
  /** On a cluster, the account bound counted on the bus (cluster-bound.ts). @default this node's count */
  readonly clusterBound?: ClusterCommandBound | undefined;
  /** On a cluster, this node's id: it keeps the timers of the commands it accepted (or took over). */
  readonly node?: string | undefined;
}

export type Recorded = { readonly recorded: boolean; readonly record: CommandRecord };

const KIND = 'device-command';
const count = (map: Map<string, number>, key: string, by: number) => {
  const next = (map.get(key) ?? 0) + by;
  if (next > 0) map.set(key, next);
  else map.delete(key);
};

export class CommandService {
  readonly #policy: Policy;
  readonly #resends: Resends;
  readonly #openByDevice = new Map<string, number>();
  readonly #openByAccount = new Map<string, number>();
  readonly #indexed = new Set<string>();
  readonly #chains = new Map<string, Promise<unknown>>();
  readonly #openPerDevice: number;
  readonly #openPerAccount: number;

  constructor(private readonly deps: CommandServiceDeps) {
    this.#policy = deps.policy ?? DEFAULT_POLICY;
    this.#openPerDevice = this.#policy.openPerDevice ?? COMMAND_LIMITS.openPerDevice;
    this.#openPerAccount = this.#policy.openPerAccount ?? COMMAND_LIMITS.openPerAccount;
    this.#resends = new Resends(
      deps,
      {
        settle: (accountSid, sid, outcome) => this.settle(accountSid, sid, outcome),
        open: (device) => this.open(device),
        change: (record, change) => this.#change(record, change),
      },
      this.#policy,
    );
  }

  /**
   * Reads every open command from the store: counts them, and arms each one's timer (due ones
   * deliver now). Then queues the result webhooks of settled commands still marked (a crash came
   * between the outcome and the outbox; the outbox drops a key it holds already).
   */
  async start(): Promise<void> {
    const index = await this.deps.store.find<CommandIndexRecord>('setting', COMMAND_INDEX_SID);
    for (const accountSid of index?.accounts ?? []) {
      this.#indexed.add(accountSid);
      const open = await allOf<CommandRecord>(
        this.deps.store,
        KIND,
        accountSid,
        { open: true },
        Math.max(this.#openPerAccount, COMMAND_LIMITS.openPerAccount),
      );
      for (const record of open) {
        count(this.#openByDevice, record.deviceSid, 1);
        count(this.#openByAccount, accountSid, 1);
        // On a cluster, another live node keeps the timers of the commands it accepted.
        if (record.node === undefined || record.node === this.deps.node) this.#resends.arm(record);
      }
    }
    const { callbacks } = this.deps;
    if (callbacks) for (const accountSid of this.#indexed) await queueMarked(this.deps.store, callbacks, accountSid);
  }

  /** On a cluster, by the survivor the bus names to take a dead node over (takeover.ts). Resolves with how many. */
  takeOver(dead: string): Promise<number> {
    const { store, node, clusterBound } = this.deps;
    if (node === undefined) return Promise.resolve(0);
    return takeOverCommands({ store, node, clusterBound, arm: (record) => this.#resends.arm(record) }, dead);
  }

  close(): void {
    this.#resends.close();
  }

  /** One at a time per key (a device's numbering, an index). */
  #serially<T>(key: string, work: () => Promise<T>): Promise<T> {
    const run = (this.#chains.get(key) ?? Promise.resolve()).then(work, work);
    const tail = run.catch(() => undefined);
    this.#chains.set(key, tail);
    void tail.then(() => {
      if (this.#chains.get(key) === tail) this.#chains.delete(key);
    });
    return run;
  }

  async submit(account: AccountRecord, deviceSid: string, input: NewCommand): Promise<CommandRecord> {
    const { store } = this.deps;
    const device = await store.get<DeviceRecord>('device', account.sid, deviceSid);
    if (!device) throw notFound(deviceSid);
    if ((this.#openByDevice.get(deviceSid) ?? 0) >= this.#openPerDevice)
      throw new RestError(429, 91232, `the device has ${this.#openPerDevice} open commands: wait for results`);
    const { clusterBound } = this.deps;
    if (
      clusterBound
        ? !(await clusterBound.take(account.sid, this.#openPerAccount))
        : (this.#openByAccount.get(account.sid) ?? 0) >= this.#openPerAccount
    )
      throw new RestError(429, 91233, `the account has ${this.#openPerAccount} open commands: wait for results`);
    count(this.#openByDevice, deviceSid, 1);
    count(this.#openByAccount, account.sid, 1);
    try {
      await this.#index(account.sid);
      const record = await this.#serially(deviceSid, async () => {
        const now = this.deps.clock.now();
        // The device's first command starts its numbering, once, whichever node gets there first.
        const { lastSeq: seq } = await updateOrCreate<CommandStateRecord>(
          store,
          'device-command-state',
          { sid: deviceSid, accountSid: account.sid, createdAt: now, lastSeq: 0 },
          (state) => ({ ...state, lastSeq: state.lastSeq + 1 }),
        );
        const made = commandRecord({ account, deviceSid, seq, input, now, node: this.deps.node });
        await store.put(KIND, made);
        return made;
      });
      clusterBound?.taken(account.sid, record.sid);
      this.#resends.deliverSoon(record);
      return record;
    } catch (error) {
      count(this.#openByDevice, deviceSid, -1);
      count(this.#openByAccount, account.sid, -1);
      await clusterBound?.untake(account.sid).catch(() => undefined);
      throw error;
    }
  }

  async #index(accountSid: string): Promise<void> {
    if (this.#indexed.has(accountSid)) return;
    await this.#serially(COMMAND_INDEX_SID, () =>
      indexAccount(this.deps.store, COMMAND_INDEX_SID, accountSid, this.deps.clock.now()),
    );
    this.#indexed.add(accountSid);
  }

  async get(accountSid: string, deviceSid: string, sid: string): Promise<CommandRecord> {
    const record = await this.deps.store.get<CommandRecord>(KIND, accountSid, sid);
    if (!record || record.deviceSid !== deviceSid) throw notFound(sid);
    return record;
  }

  async cancel(accountSid: string, deviceSid: string, sid: string): Promise<CommandRecord> {
    await this.get(accountSid, deviceSid, sid);
    const done = await this.settle(accountSid, sid, { status: 'canceled' });
    if (!done.recorded) throw new RestError(409, 91234, `command ${sid} is ${done.record.status} already`);
    return done.record;
  }

  /**
   * Settles the command once (a result, expiry, cancel): `recorded` false when it was settled
   * before, and then nothing changed. `deviceSid`: the device reporting it, which must be its own.
   */
  async settle(accountSid: string, sid: string, outcome: Outcome, deviceSid?: string): Promise<Recorded> {
    let updated: CommandRecord | undefined;
    try {
      updated = await this.deps.store.update<CommandRecord>(KIND, accountSid, sid, (current) => {
        if (deviceSid !== undefined && current.deviceSid !== deviceSid) throw notFound(sid);
        return settle(current, outcome, this.deps.clock.now());
      });
    } catch (error) {
      if (error instanceof Settled) return { recorded: false, record: error.record };
      throw error;
    }
    if (!updated) throw notFound(sid);
    this.#resends.settled(sid);
    count(this.#openByDevice, updated.deviceSid, -1);
    count(this.#openByAccount, accountSid, -1);
    this.deps.onSettled?.(updated);
    await this.deps.clusterBound?.settled(sid).catch((error: unknown) => this.deps.onError?.(error));
    // The outcome stands whatever happens to its webhook: one not queued keeps its mark for the next start.
    if (this.deps.callbacks)
      await queueResultWebhook(this.deps.store, this.deps.callbacks, updated).catch((error: unknown) =>
        this.deps.onError?.(error),
      );
    return { recorded: true, record: updated };
  }

  /** The device's commands numbered after `after` (settled ones too, so it can skip them), marking open ones delivered. */
  async after(device: DeviceRecord, after: number, via: DeliveredVia): Promise<CommandRecord[]> {
    const { items } = await this.deps.store.list<CommandRecord>(KIND, {
      accountSid: device.accountSid,
      where: { deviceSid: device.sid },
      ranges: { seq: { min: after + 1, max: after + COMMAND_LIMITS.fetchPage } },
      page: 0,
      pageSize: COMMAND_LIMITS.fetchPage,
    });
    items.sort((a, b) => a.seq - b.seq);
    return Promise.all(
      items.map((item) => (item.open ? this.#change(item, (r) => delivered(r, via, this.deps.clock.now())) : item)),
    );
  }

  /** The device's command with number `seq`. */
  async numbered(device: DeviceRecord, seq: number): Promise<CommandRecord | undefined> {
    const { items } = await this.deps.store.list<CommandRecord>(KIND, {
      accountSid: device.accountSid,
      where: { deviceSid: device.sid, seq },
      page: 0,
      pageSize: 1,
    });
    return items[0];
  }

  /** The device's open commands, in order. */
  async open(device: DeviceRecord): Promise<CommandRecord[]> {
    const open = await allOf<CommandRecord>(
      this.deps.store,
      KIND,
      device.accountSid,
      { deviceSid: device.sid, open: true },
      COMMAND_LIMITS.openPerDevice,
    );
    return open.sort((a, b) => a.seq - b.seq);
  }

  /** A conditional change; the record as it is when the command was settled meanwhile. */
  async #change(record: CommandRecord, change: (current: CommandRecord) => CommandRecord): Promise<CommandRecord> {
    try {
      const updated = await this.deps.store.update<CommandRecord>(KIND, record.accountSid, record.sid, change);
      return updated ?? record;
    } catch (error) {
      if (error instanceof Settled) return error.record;
      throw error;
    }
  }
}
