/**
 * The event stream across nodes: every node publishes the entries of its own event log on the
 * account's bus topic (`events:<AccountSid>`, and its parent's for a subaccount's events), and a
 * node streaming an account hears that topic while it streams it, its own entries included. Redis
 * hands a channel's messages to every subscriber in one order, so every node streaming an
 * account sees its events in the same order, each call's in the order its node made them, and an
 * event's id (`<run>-<sequence>` of the node that made it) is the same on every node.
 *
 * A node keeps what it heard of a topic while it hears it (`maxEvents`, `windowMs`): a reader
 * resuming with `Last-Event-ID` gets what followed that id there, or, when this node did not hear
 * it, from a node that did (`events.since`, asked of every live node, in pages), else a gap.
 *
 * @example
 * const relay = new EventRelay({ bus, log, clock });
 * const opened = await relay.open('AC…', lastEventId); // { resume, position, begin(live), stop() }
 */
import { z } from 'zod';
import type { EventLog, LogEntry, Resume } from '../api/event-log.js';
import type { Clock } from '../clock/clock.js';
import type { Bus, Unsubscribe } from './bus.js';
import { parseBody } from './devices-wire.js';
import { TopicLog } from './event-topic.js';

export const SINCE_METHOD = 'events.since';
/** Entry text in one `events.since` answer at most: well within the bus's 256 KiB. */
const PAGE_BYTES = 128 * 1024;
const TIMEOUT_MS = 3000;

const entryBody = z.object({
  id: z.string().min(1).max(64),
  type: z.enum(['call.created', 'call.status', 'call.error', 'call.warning', 'message.updated', 'message.error']),
  accountSid: z.string().min(1).max(64),
  ownerSid: z.string().min(1).max(64),
  at: z.number(),
  data: z.string().max(64 * 1024),
});
const sinceBody = z.object({ accountSid: z.string().min(1).max(64), after: z.string().min(1).max(64) });
const sinceAnswer = z.object({ run: z.string(), found: z.boolean(), entries: z.array(entryBody), more: z.boolean() });

const topicOf = (accountSid: string) => `events:${accountSid}`;
const ID = /^([0-9a-f]{8})-(\d+)$/;

export interface EventRelayOptions {
  readonly bus: Bus;
  /** This node's own events. */
  readonly log: EventLog;
  readonly clock: Clock;
  /** Events kept per account streamed here. @default 10000 */
  readonly maxEvents?: number;
  /** How long they are kept. @default 300000 */
  readonly windowMs?: number;
  readonly onError?: (error: unknown) => void;
}

/** A reader's start: what it missed, where it stands, and its live events once it has written those. */
export interface OpenedFeed {
  readonly resume: Resume;
  /** The latest entry's id, if any is known here. */
  readonly position: string | undefined;
  /** From now on `live` gets every new entry (those that arrived since `open`, not in `resume`, first). */
  begin(live: (entry: LogEntry) => void): void;
  stop(): void;
}

interface Topic {
  readonly log: TopicLog;
  readonly listeners: Set<(entry: LogEntry) => void>;
  readonly subscribed: Promise<Unsubscribe | undefined>;
  readers: number;
}

export class EventRelay {
  private readonly topics = new Map<string, Topic>();
  private readonly stops: Unsubscribe[] = [];

  constructor(private readonly options: EventRelayOptions) {
    const { bus, log } = options;
    this.stops.push(
      log.subscribe((entry) => {
        const body = wire(entry);
        this.publish(entry.accountSid, body);
        if (entry.ownerSid !== entry.accountSid) this.publish(entry.ownerSid, body);
      }),
      bus.serve(SINCE_METHOD, (body, from) => {
        const { accountSid, after } = parseBody(sinceBody, body, SINCE_METHOD, from);
        const entries = this.topics.get(accountSid)?.log.after(after);
        if (!entries) return { run: log.run, found: false, entries: [], more: false };
        const page: LogEntry[] = [];
        let bytes = 0;
        for (const entry of entries) {
          bytes += entry.data.length + 256;
          if (bytes > PAGE_BYTES) break;
          page.push(entry);
        }
        return { run: log.run, found: true, entries: page.map(wire), more: page.length < entries.length };
      }),
    );
  }

  /** Starts a reader of `accountSid` (whose last entry was `lastId`, if given). */
  async open(accountSid: string, lastId: string | undefined): Promise<OpenedFeed> {
    const topic = this.join(accountSid);
    await topic.subscribed;
    const arrived: LogEntry[] = [];
    let live: ((entry: LogEntry) => void) | undefined;
    const listener = (entry: LogEntry) => (live ? live(entry) : arrived.push(entry));
    topic.listeners.add(listener);
    const resume = await this.resume(topic, accountSid, lastId).catch((error: unknown) => {
      this.options.onError?.(error);
      return { kind: 'gap', reason: 'expired', entries: topic.log.all() } as const;
    });
    const replayed = new Set(resume.kind === 'live' ? [] : resume.entries.map((entry) => entry.id));
    return {
      resume,
      position: topic.log.last()?.id,
      begin: (next) => {
        for (const entry of arrived.splice(0)) if (!replayed.has(entry.id)) next(entry);
        live = next;
      },
      stop: () => {
        topic.listeners.delete(listener);
        this.leave(accountSid, topic);
      },
    };
  }

  close(): void {
    for (const stop of this.stops.splice(0)) stop();
    for (const topic of this.topics.values()) void topic.subscribed.then((stop) => stop?.());
    this.topics.clear();
  }

  private async resume(topic: Topic, accountSid: string, lastId: string | undefined): Promise<Resume> {
    if (lastId === undefined) return { kind: 'live' };
    const match = ID.exec(lastId);
    if (!match) return { kind: 'gap', reason: 'invalid', entries: [] };
    const here = topic.log.after(lastId);
    if (here) return { kind: 'replay', entries: here };
    // Not heard here: a node that heard it has what followed.
    const { bus, log } = this.options;
    const others = (await bus.nodes()).filter((node) => node.id !== bus.nodeId);
    const runs = new Set([log.run]);
    for (const node of others) {
      const entries: LogEntry[] = [];
      let after = lastId;
      for (;;) {
        const answer = await bus
          .request(node.id, SINCE_METHOD, { accountSid, after }, { timeoutMs: TIMEOUT_MS })
          .then((body) => parseBody(sinceAnswer, body, SINCE_METHOD, node.id))
          .catch(() => undefined);
        if (!answer) break;
        runs.add(answer.run);
        if (!answer.found) break;
        entries.push(...answer.entries.map(unwire));
        const last = entries.at(-1);
        if (!answer.more || !last) return { kind: 'replay', entries };
        after = last.id;
      }
    }
    return { kind: 'gap', reason: runs.has(match[1] as string) ? 'expired' : 'restarted', entries: topic.log.all() };
  }

  private join(accountSid: string): Topic {
    const known = this.topics.get(accountSid);
    if (known) {
      known.readers++;
      return known;
    }
    const { bus, clock } = this.options;
    const log = new TopicLog(clock, this.options.maxEvents ?? 10_000, this.options.windowMs ?? 300_000);
    const listeners = new Set<(entry: LogEntry) => void>();
    const subscribed = bus
      .subscribe(topicOf(accountSid), (body, from) => {
        const parsed = entryBody.safeParse(body);
        if (!parsed.success) {
          this.options.onError?.(new Error(`an event from node ${from} does not parse`));
          return;
        }
        const entry = unwire(parsed.data);
        log.add(entry);
        for (const listener of listeners) listener(entry);
      })
      .catch((error: unknown) => {
        this.options.onError?.(error);
        return undefined;
      });
    const topic: Topic = { log, listeners, subscribed, readers: 1 };
    this.topics.set(accountSid, topic);
    return topic;
  }

  /** A reader left: the last one of an account stops hearing its topic, and what was kept goes. */
  private leave(accountSid: string, topic: Topic): void {
    if (--topic.readers > 0 || this.topics.get(accountSid) !== topic) return;
    this.topics.delete(accountSid);
    void topic.subscribed.then((stop) => stop?.());
  }

  private publish(accountSid: string, body: object): void {
    this.options.bus.publish(topicOf(accountSid), body).catch((error: unknown) => this.options.onError?.(error));
  }
}

function wire(entry: LogEntry) {
  const { id, type, accountSid, ownerSid, at, data } = entry;
  return { id, type, accountSid, ownerSid, at, data };
}

function unwire(body: z.infer<typeof entryBody>): LogEntry {
  return { ...body, sequence: Number(ID.exec(body.id)?.[2] ?? 0) };
}
