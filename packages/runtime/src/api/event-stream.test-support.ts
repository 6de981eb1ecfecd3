/** A reader of the event stream over real HTTP, for the stream's tests on one node and across nodes. */
import { readEvents, type SseItem } from '../cli/sse.js';

export const basic = (user: string, secret: string) => `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;

/** A reader of the stream: its items as they arrive, and `next` to wait for one. */
export async function open(base: string, account: string, auth: string, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const response = await fetch(`${base}/events/v1/Accounts/${account}/Stream`, {
    headers: { authorization: auth, ...headers },
    signal: controller.signal,
  });
  const items: SseItem[] = [];
  const waiters: Array<() => void> = [];
  let ended = false;
  const done = (async () => {
    if (!response.ok || !response.body) return;
    try {
      for await (const item of readEvents(response.body)) {
        items.push(item);
        for (const wake of waiters.splice(0)) wake();
      }
    } catch {
      // aborted
    }
    ended = true;
    for (const wake of waiters.splice(0)) wake();
  })();
  const events = () => items.flatMap((item) => (item.kind === 'event' ? [item] : []));
  return {
    response,
    items,
    events,
    done,
    /** Resolves with the first item (seen or to come) that `test` accepts. */
    async next(test: (item: SseItem) => boolean): Promise<SseItem> {
      for (;;) {
        const found = items.find(test);
        if (found) return found;
        if (ended) throw new Error('the stream ended');
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    },
    close: () => controller.abort(),
  };
}

export const isEvent =
  (type: string, test: (data: Record<string, unknown>) => boolean = () => true) =>
  (item: SseItem) =>
    item.kind === 'event' && item.event === type && test(JSON.parse(item.data));
