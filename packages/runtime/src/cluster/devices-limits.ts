/**
 * Device sessions per account (`DeviceSessions`) counted across the cluster, with the bus's
 * counters as the other caps (nodes-limits.ts): each new session takes a unit of
 * `devices:<account>`, held by this node, and gives it back once when it ends (closed, timed out,
 * revoked, its bridge closed). A dead node's units are freed by the bus when the node is declared
 * down, so its devices, reconnecting to the survivors, find their units again.
 *
 * @example
 * const bridge = new DeviceBridge({ ..., cluster: { bus } }, host); // the bridge makes one
 */
import type { SharedSessionCap } from '../limits/shared-session-cap.js';
import type { Bus } from './bus.js';

export class ClusterSessionCap implements SharedSessionCap {
  /** Sessions holding a unit: their counter, by session id. */
  private readonly holding = new Map<string, string>();

  constructor(private readonly bus: Bus) {}

  async take(accountSid: string, limit: number, id: string): Promise<boolean> {
    const counter = `devices:${accountSid}`;
    if (!(await this.bus.take(counter, limit))) return false;
    this.holding.set(id, counter);
    return true;
  }

  give(id: string): void {
    const counter = this.holding.get(id);
    if (counter === undefined) return;
    this.holding.delete(id);
    // The bus gone: it frees this node's units itself when the node is declared down.
    void this.bus.give(counter).catch(() => undefined);
  }
}
