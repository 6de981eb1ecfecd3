/**
 * Presence across nodes, as REST (`Clients.json`) and presence following show it: an identity's
 * registrations on every live node added up, online while any node holds one, its last seen the
 * latest any node remembers. A node answers for its own devices (`devices.presence`); the node
 * asked asks every other live node, so a dead node's devices are gone as soon as the bus declares
 * it down. A presence change is published on the account's topic (`presence:<AccountSid>`), which
 * a node subscribes to only while one of its sessions follows an identity of that account; it
 * then asks again and tells its followers when the cluster's answer changed (each change once).
 *
 * @example
 * const across = new PresenceAcross({ bus, clock, local: (a, ids) => ..., notify: (r) => followers.notify(r) });
 * await across.list('AC…'); // every identity of the account, online first
 */
import { z } from 'zod';
import type { PresenceRecord } from '../bridge/presence.js';
import type { Clock } from '../clock/clock.js';
import type { Bus, NodeDown, Unsubscribe } from './bus.js';
import { parseBody } from './devices-wire.js';

/** The bus method a node answers its own presence with. */
export const PRESENCE_METHOD = 'devices.presence';
/** Identities one node answers with at most (online first): an answer stays far below the bus's 256 KiB. */
export const MAX_PRESENCE_ANSWER = 1000;
const TIMEOUT_MS = 3000;

const identity = z.string().min(1).max(256);
const askBody = z.object({
  accountSid: z.string().min(1).max(64),
  identities: z.array(identity).max(MAX_PRESENCE_ANSWER).optional(),
});
/** `[identity, registrations, lastSeenAt]` per identity. */
const answerBody = z.object({ records: z.array(z.tuple([identity, z.number(), z.number()])) });
const changedBody = z.object({ identity });

const topicOf = (accountSid: string) => `presence:${accountSid}`;
const keyOf = (accountSid: string, name: string) => `${accountSid} ${name}`;
const sameState = (a: PresenceRecord | undefined, b: PresenceRecord | undefined) =>
  a?.status === b?.status && a?.registrations === b?.registrations;

export interface PresenceAcrossParts {
  readonly bus: Bus;
  readonly clock: Clock;
  /** This node's presence: of the identities given, or of every identity of the account. */
  local(accountSid: string, identities?: readonly string[]): PresenceRecord[];
  /** Tells this node's followers of the identity. */
  notify(record: PresenceRecord): void;
  readonly onError?: (error: unknown) => void;
}

export class PresenceAcross {
  /** Identities followed here, with what their followers were last told. */
  private readonly watched = new Map<string, { accountSid: string; identity: string; told?: PresenceRecord }>();
  /** Accounts followed here: the topic's subscription, and how many identities hold it. */
  private readonly topics = new Map<string, { count: number; stop: Promise<Unsubscribe | undefined> }>();
  /** Each identity's recomputations, one after another, so followers hear changes in order. */
  private readonly chains = new Map<string, Promise<void>>();
  private readonly stops: Unsubscribe[] = [];

  constructor(private readonly parts: PresenceAcrossParts) {
    const { bus } = parts;
    this.stops.push(
      bus.serve(PRESENCE_METHOD, (body, from) => {
        const ask = parseBody(askBody, body, PRESENCE_METHOD, from);
        const records = parts.local(ask.accountSid, ask.identities).slice(0, MAX_PRESENCE_ANSWER);
        return { records: records.map((record) => [record.identity, record.registrations, record.lastSeenAt]) };
      }),
    );
    // A node gone: its devices with it; followers here hear of those that went offline.
    const onDown = (_down: NodeDown) => {
      for (const { accountSid, identity } of this.watched.values()) this.recheck(accountSid, identity);
    };
    bus.on('node-down', onDown);
    this.stops.push(() => bus.off('node-down', onDown));
  }

  /** Presence across the cluster: of the identities given, or of every identity of the account, online first. */
  async list(accountSid: string, identities?: readonly string[]): Promise<PresenceRecord[]> {
    const { bus } = this.parts;
    const others = (await bus.nodes()).filter((node) => node.id !== bus.nodeId);
    const answers = await Promise.all(
      others.map((node) =>
        bus
          .request(
            node.id,
            PRESENCE_METHOD,
            { accountSid, ...(identities ? { identities } : {}) },
            { timeoutMs: TIMEOUT_MS },
          )
          .then((body) => parseBody(answerBody, body, PRESENCE_METHOD, node.id).records)
          // A node that cannot answer (dying, partitioned) counts as holding nothing.
          .catch((error: unknown) => {
            this.parts.onError?.(error);
            return [];
          }),
      ),
    );
    const merged = new Map<string, { registrations: number; lastSeenAt: number }>();
    const add = (name: string, registrations: number, lastSeenAt: number) => {
      const seen = merged.get(name);
      merged.set(name, {
        registrations: (seen?.registrations ?? 0) + registrations,
        lastSeenAt: Math.max(seen?.lastSeenAt ?? 0, lastSeenAt),
      });
    };
    for (const record of this.parts.local(accountSid, identities))
      add(record.identity, record.registrations, record.lastSeenAt);
    for (const records of answers)
      for (const [name, registrations, lastSeenAt] of records) add(name, registrations, lastSeenAt);
    const now = this.parts.clock.now();
    return [...merged]
      .map(([name, { registrations, lastSeenAt }]): PresenceRecord => {
        const online = registrations > 0;
        return {
          accountSid,
          identity: name,
          status: online ? 'online' : 'offline',
          registrations,
          lastSeenAt: online ? now : lastSeenAt,
        };
      })
      .sort((a, b) => (a.status === b.status ? a.identity.localeCompare(b.identity) : a.status === 'online' ? -1 : 1));
  }

  /** A registration count changed here: the other nodes hear of it, followers here get the cluster's count. */
  changed(record: PresenceRecord): void {
    this.parts.bus
      .publish(topicOf(record.accountSid), { identity: record.identity })
      .catch((error: unknown) => this.parts.onError?.(error));
    this.recheck(record.accountSid, record.identity);
  }

  /** The presence followers of these identities start from. */
  async current(accountSid: string, identities: readonly string[]): Promise<Map<string, PresenceRecord>> {
    return new Map((await this.list(accountSid, identities)).map((record) => [record.identity, record]));
  }

  /**
   * Whether an identity is followed here (its first follower, told `told`; or its last one gone).
   * Once the account's topic is heard, the identity is asked about again: a change made while its
   * first follower was being told is not missed.
   */
  watch(accountSid: string, identity: string, watching: boolean, told?: PresenceRecord): void {
    const key = keyOf(accountSid, identity);
    if (watching === this.watched.has(key)) return;
    if (watching) this.watched.set(key, { accountSid, identity, ...(told ? { told } : {}) });
    else this.watched.delete(key);
    let topic = this.topics.get(accountSid);
    if (watching) {
      if (topic) topic.count++;
      else {
        topic = { count: 1, stop: this.listen(accountSid) };
        this.topics.set(accountSid, topic);
      }
      void topic.stop.then(() => this.recheck(accountSid, identity));
    } else if (topic && --topic.count === 0) {
      this.topics.delete(accountSid);
      void topic.stop.then((stop) => stop?.());
    }
  }

  close(): void {
    for (const stop of this.stops.splice(0)) stop();
    for (const topic of this.topics.values()) void topic.stop.then((stop) => stop?.());
    this.topics.clear();
  }

  private listen(accountSid: string): Promise<Unsubscribe | undefined> {
    return this.parts.bus
      .subscribe(topicOf(accountSid), (body, from) => {
        const parsed = changedBody.safeParse(body);
        if (parsed.success) this.recheck(accountSid, parsed.data.identity);
        else this.parts.onError?.(new Error(`presence change from node ${from} does not parse`));
      })
      .catch((error: unknown) => {
        this.parts.onError?.(error);
        return undefined;
      });
  }

  /** Asks the cluster again about a followed identity, and tells its followers if that changed. */
  private recheck(accountSid: string, identity: string): void {
    const key = keyOf(accountSid, identity);
    if (!this.watched.has(key)) return;
    const next = (this.chains.get(key) ?? Promise.resolve()).then(async () => {
      const entry = this.watched.get(key);
      if (!entry) return;
      const [record] = await this.list(accountSid, [identity]).catch((error: unknown) => {
        this.parts.onError?.(error);
        return [entry.told];
      });
      if (!record || sameState(record, entry.told) || this.watched.get(key) !== entry) return;
      entry.told = record;
      this.parts.notify(record);
    });
    this.chains.set(key, next);
    void next.finally(() => {
      if (this.chains.get(key) === next) this.chains.delete(key);
    });
  }
}
