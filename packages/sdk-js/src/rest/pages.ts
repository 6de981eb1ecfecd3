/**
 * Walking a list resource page after page, whatever its shape (the 2010-04-01 API's
 * `next_page_uri`, the v1 APIs' `meta.next_page_url`): every item up to a limit, lazily.
 *
 * @example
 * for await (const call of itemsOf(await firstPage(), 50)) console.log(call.sid);
 */

/** One page: its items, and the next one (undefined after the last). */
export interface Paged<T> {
  readonly items: T[];
  nextPage(): Promise<Paged<T>> | undefined;
}

export async function* itemsOf<T>(first: Paged<T>, limit = Number.POSITIVE_INFINITY): AsyncIterable<T> {
  let count = 0;
  let current: Paged<T> | undefined = first;
  while (current) {
    for (const item of current.items) {
      if (count++ >= limit) return;
      yield item;
    }
    current = await current.nextPage();
  }
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}
