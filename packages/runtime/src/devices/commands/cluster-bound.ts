/**
 * The per-account bound of open commands across a cluster (docs/commands.md, docs/cluster.md):
 * each open command holds one unit of the account's counter on the bus, taken by the node that
 * accepted it. Whichever node records the outcome publishes it, and the node that took the unit
 * gives it back; units of a node that dies are freed by the bus.
 *
 * @example
 * const bound = new ClusterCommandBound(bus);
 * await bound.start();
 * if (!(await bound.take(accountSid, limit))) throw tooMany();
 * bound.taken(accountSid, commandSid);
 * await bound.settled(commandSid); // on any node
 */
import type { Bus, Unsubscribe } from '../../cluster/bus.js';

const TOPIC = 'devices.command-settled';

export class ClusterCommandBound {
  /** Commands whose unit this node holds, with the account's counter. */
  readonly #held = new Map<string, string>();
  #stop: Unsubscribe = () => {};

  constructor(private readonly bus: Bus) {}

  async start(): Promise<void> {
    this.#stop = await this.bus.subscribe(TOPIC, (body) => {
      const sid = (body as { sid?: unknown } | null)?.sid;
      const counter = typeof sid === 'string' ? this.#held.get(sid) : undefined;
      if (counter === undefined) return;
      this.#held.delete(sid as string);
      void this.bus.give(counter).catch(() => undefined);
    });
  }

  /** Takes a unit of the account's open commands; false when `limit` are open across the cluster. */
  take(accountSid: string, limit: number): Promise<boolean> {
    return this.bus.take(counterOf(accountSid), limit);
  }

  /** The unit taken is the command's (given back when any node settles it). */
  taken(accountSid: string, sid: string): void {
    this.#held.set(sid, counterOf(accountSid));
  }

  /**
   * A dead node's open command, taken over here: it holds a unit again (the bus freed the dead
   * node's), whatever the limit, as the command is open already.
   */
  async adopt(accountSid: string, sid: string): Promise<void> {
    await this.bus.take(counterOf(accountSid), Number.MAX_SAFE_INTEGER);
    this.taken(accountSid, sid);
  }

  /** The command was not made after all: its unit goes back. */
  async untake(accountSid: string): Promise<void> {
    await this.bus.give(counterOf(accountSid));
  }

  /** The command is settled (on this node): every node hears it, the one holding its unit gives it back. */
  async settled(sid: string): Promise<void> {
    await this.bus.publish(TOPIC, { sid });
  }

  close(): void {
    this.#stop();
  }
}

const counterOf = (accountSid: string) => `commands-open:${accountSid}`;
