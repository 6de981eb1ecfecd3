/**
 * List pages in the hosted v1 APIs' shape: `{ <key>: [...], meta: { page, page_size,
 * first_page_url, previous_page_url, url, next_page_url, key } }` with absolute URLs, and ISO 8601
 * dates (`2020-03-18T23:31:36Z`), which the helper libraries read for every v1 resource.
 */
import type { Page } from '../../../store/types.js';
import type { PageRequest } from '../../paging.js';

export function v1Page<T>(
  key: string,
  url: string,
  request: PageRequest,
  page: Page<T>,
  render: (item: T) => unknown,
  /** The list's filters, kept in its page URLs. */
  filters?: Readonly<Record<string, string>>,
) {
  const kept = filters ? Object.entries(filters).map(([name, value]) => `${name}=${encodeURIComponent(value)}&`) : [];
  const at = (n: number) => `${url}?${kept.join('')}PageSize=${request.pageSize}&Page=${n}`;
  return {
    [key]: page.items.map(render),
    meta: {
      page: request.page,
      page_size: request.pageSize,
      first_page_url: at(0),
      previous_page_url: request.page > 0 ? at(request.page - 1) : null,
      url: at(request.page),
      next_page_url: page.more ? at(request.page + 1) : null,
      key,
    },
  };
}

/** ISO 8601 to the second, as the v1 APIs write dates. */
export const isoDate = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
