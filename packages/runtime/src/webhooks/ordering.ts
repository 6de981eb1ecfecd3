/**
 * Callback order per resource. The callbacks of one call, conference or message (one SID) are
 * delivered one at a time, in the order they were queued (their SequenceNumber order), so an
 * app never sees `conference-start` (SequenceNumber 1) before `participant-join` (0); callbacks
 * of different resources are delivered concurrently. The resource is the SID a callback's key
 * starts with (`CF...:3`, `CA...:after-hangup`, `SM...:sent`); a callback without such a key is
 * ordered with nothing.
 *
 * @example
 * const order = new ResourceOrder();
 * order.add(resourceOf('CF1...:0'), 7);
 * order.isHead(resourceOf('CF1...:0'), 7); // true: nothing of that room was queued before it
 */

const SID_PREFIX = /^([A-Z]{2}[0-9a-f]{32}):/;

/** The resource a callback key belongs to: its SID, or the key itself (ordered with nothing). */
export function resourceOf(key: string | undefined): string | undefined {
  if (key === undefined) return undefined;
  return SID_PREFIX.exec(key)?.[1] ?? key;
}

/**
 * The ids of the callbacks still to deliver, per resource, oldest first: only the oldest of a
 * resource (its head) may be delivered; the others are held back behind it.
 */
export class ResourceOrder {
  private readonly queues = new Map<string, number[]>();
  private count = 0;

  /** Records a pending callback; ids are kept sorted, so the outbox's order survives a restart. */
  add(resource: string, id: number): void {
    let queue = this.queues.get(resource);
    if (!queue) {
      queue = [];
      this.queues.set(resource, queue);
    }
    if (queue.includes(id)) return;
    let at = queue.length;
    while (at > 0 && (queue[at - 1] as number) > id) at--;
    queue.splice(at, 0, id);
    this.count++;
  }

  has(resource: string, id: number): boolean {
    return this.queues.get(resource)?.includes(id) ?? false;
  }

  /** Whether `id` is the oldest pending callback of its resource. */
  isHead(resource: string, id: number): boolean {
    return this.queues.get(resource)?.[0] === id;
  }

  /** The callback is delivered or given up: the next one of its resource may go. */
  remove(resource: string, id: number): void {
    const queue = this.queues.get(resource);
    const at = queue?.indexOf(id) ?? -1;
    if (!queue || at < 0) return;
    queue.splice(at, 1);
    this.count--;
    if (queue.length === 0) this.queues.delete(resource);
  }

  /** Whether the resource has callbacks still to deliver. */
  pending(resource: string): boolean {
    return this.queues.has(resource);
  }

  /** Pending callbacks that are not the head of their resource. */
  get heldBack(): number {
    return this.count - this.queues.size;
  }
}
