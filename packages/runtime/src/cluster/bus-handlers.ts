/**
 * What both buses keep on this node: the handlers of the topics it hears and of the methods it
 * answers, and how a method's failure is put on the wire. One place, so the in-process and the
 * Redis bus hear, answer and fail alike.
 */
import type { NodeId, RemoteFailure, Unsubscribe } from './bus.js';
import { checkName, encodeBody } from './bus.js';

export type TopicHandler = (body: unknown, from: NodeId) => void;
export type MethodHandler = (body: unknown, from: NodeId) => unknown;

export class BusHandlers {
  private readonly topics = new Map<string, Set<TopicHandler>>();
  private readonly methods = new Map<string, MethodHandler>();

  /** The handlers of a topic (copy-safe to iterate while one unsubscribes). */
  heard(topic: string): readonly TopicHandler[] {
    return [...(this.topics.get(topic) ?? [])];
  }

  /** Adds a topic handler; `first` when it is the topic's first, `stop` is true when it removed the last. */
  listen(topic: string, handler: TopicHandler): { first: boolean; stop: () => boolean } {
    checkName(topic, 'topic');
    const set = this.topics.get(topic) ?? new Set();
    this.topics.set(topic, set);
    // Its own entry, so the same function subscribed twice is two subscriptions.
    const own: TopicHandler = (body, from) => handler(body, from);
    set.add(own);
    return {
      first: set.size === 1,
      stop: () => {
        set.delete(own);
        if (set.size > 0 || this.topics.get(topic) !== set) return false;
        this.topics.delete(topic);
        return true;
      },
    };
  }

  serve(method: string, handler: MethodHandler): Unsubscribe {
    checkName(method, 'method');
    this.methods.set(method, handler);
    return () => {
      if (this.methods.get(method) === handler) this.methods.delete(method);
    };
  }

  /** Runs the method's handler; resolves with its (JSON-checked) answer, or rejects with its failure. */
  async answer(method: string, body: unknown, from: NodeId): Promise<unknown> {
    const handler = this.methods.get(method);
    try {
      if (!handler) throw Object.assign(new Error(`no handler for ${method}`), { code: 'no-handler' });
      const answer = (await handler(body, from)) ?? null;
      return JSON.parse(encodeBody(answer, `reply to ${method}`));
    } catch (error) {
      throw failureOf(error);
    }
  }

  clear(): void {
    this.topics.clear();
    this.methods.clear();
  }
}

/** A handler's error as it travels back: its stable code (when it has one) and its message. */
export function failureOf(error: unknown): RemoteFailure {
  const code = (error as { code?: unknown } | undefined)?.code;
  return {
    code: typeof code === 'string' ? code : 'error',
    message: error instanceof Error ? error.message : String(error),
  };
}
