/**
 * Device sessions per account (`DeviceSessions`) counted across the cluster, with the bus's
 * counters as the other caps (nodes-limits.ts): each new session takes a unit of
 * `devices:<account>`, held by this node, and gives it back once when it ends (closed, timed out,
 * revoked, its bridge closed). A dead node's units are freed by the bus when the node is declared
 * down, so its devices, reconnecting to the survivors, find their units again.
 *
 * A device whose connection dropped reconnects through the balancer, often to another node: it
 * names the session it had, which that node cannot resume, so it opens a new one while the old one
 * waits on its node for the device to come back (30 s). An account at its limit would be refused
 * meanwhile; so, when a hello naming a session is past the limit, the other nodes are asked
 * (`devices.reclaim`) to end that session if it is of the same account and identity, and the unit
 * it frees is taken for the new one.
 *
 * @example
 * const bridge = new DeviceBridge({ ..., cluster: { bus } }, host); // the bridge makes one
 */
import { z } from 'zod';
import type { DeviceSession } from '../bridge/session.js';
import type { SharedSessionCap } from '../limits/shared-session-cap.js';
import type { Bus, Unsubscribe } from './bus.js';
import { parseBody } from './devices-wire.js';

const RECLAIM = 'devices.reclaim';
const Reclaim = z.object({
  accountSid: z.string().min(1).max(64),
  identity: z.string().min(1).max(256),
  session: z.string().min(1).max(128),
});
type Reclaim = z.infer<typeof Reclaim>;

/** How long a node has to end a session asked back. @default 2000 */
const RECLAIM_TIMEOUT_MS = 2000;

/** This node's sessions, as a reclaim needs them. */
export interface SessionsHere {
  find(id: string): DeviceSession | undefined;
  /** Ends the session (it gives its unit back). */
  end(session: DeviceSession): void;
}

export class ClusterSessionCap implements SharedSessionCap {
  /** Sessions holding a unit: their counter, by session id. */
  private readonly holding = new Map<string, string>();
  /** Units being given back, by session id (a reclaim answers once its unit is free). */
  private readonly giving = new Map<string, Promise<void>>();
  private readonly stop: Unsubscribe;

  constructor(
    private readonly bus: Bus,
    here: SessionsHere,
  ) {
    this.stop = bus.serve(RECLAIM, async (body, from) => {
      const { accountSid, identity, session: id } = parseBody(Reclaim, body, RECLAIM, from);
      const session = here.find(id);
      if (session?.accountSid !== accountSid || session.identity !== identity) return { ended: false };
      session.link?.close(1000, 'the device resumed on another node');
      here.end(session);
      await this.giving.get(id);
      return { ended: true };
    });
  }

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
    const given = this.bus.give(counter).catch(() => undefined);
    this.giving.set(id, given);
    void given.finally(() => this.giving.delete(id));
  }

  async reclaim(accountSid: string, identity: string, session: string): Promise<boolean> {
    const others = (await this.bus.nodes()).filter((node) => node.id !== this.bus.nodeId);
    const answers = await Promise.all(
      others.map((node) =>
        this.bus
          .request<{ ended?: unknown }>(node.id, RECLAIM, { accountSid, identity, session } satisfies Reclaim, {
            timeoutMs: RECLAIM_TIMEOUT_MS,
          })
          .then((answer) => answer.ended === true)
          .catch(() => false),
      ),
    );
    return answers.includes(true);
  }

  close(): void {
    this.stop();
  }
}
