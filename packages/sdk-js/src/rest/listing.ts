/**
 * The read operations of a list resource: a page, every item lazily, or every item collected
 * (up to `limit`), following `nextPageUri`.
 */
import type { Http, ParamValue } from './http.js';
import { collect, itemsOf } from './pages.js';
import type { Page, PageParams } from './types.js';

type Params = Readonly<Record<string, ParamValue>>;

/** Read operations of a list resource. */
export interface Listing<T, L extends PageParams = PageParams> {
  /** One page. */
  page(params?: L & { page?: number }): Promise<Page<T>>;
  /** Every item, page after page, up to `limit`. */
  each(params?: L): AsyncIterable<T>;
  /** Every item up to `limit`, collected. */
  list(params?: L): Promise<T[]>;
}

export function listing<T, L extends PageParams>(http: Http, path: string, key: string): Listing<T, L> {
  const toPage = async (body: Record<string, unknown>): Promise<Page<T>> => {
    const next = body.nextPageUri as string | null;
    return {
      items: (body[key] ?? []) as T[],
      page: body.page as number,
      pageSize: body.pageSize as number,
      nextPage: () => (next ? http.request<Record<string, unknown>>('GET', next).then(toPage) : undefined),
    };
  };
  const page = async (params: (L & { page?: number }) | undefined = undefined) => {
    const { limit: _limit, ...query } = (params ?? {}) as L & { page?: number };
    return toPage(await http.request<Record<string, unknown>>('GET', path, query as Params));
  };
  async function* each(params?: L): AsyncIterable<T> {
    yield* itemsOf(await page(params), params?.limit);
  }
  return {
    page,
    each,
    list: (params) => collect(each(params)),
  };
}
