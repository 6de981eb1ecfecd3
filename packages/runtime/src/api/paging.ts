/**
 * List pages in the 2010-04-01 shape: `{ <key>: [...], page, page_size, uri, first_page_uri,
 * next_page_uri, previous_page_uri, start, end }` with relative URIs. `PageSize` is 50 by default
 * and at most 1000; `Page` counts from 0.
 */
import type { Page } from '../store/types.js';
import { invalid } from './http.js';

export interface PageRequest {
  readonly page: number;
  readonly pageSize: number;
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 1000;

/** Pages past this are refused rather than turned into an offset no store can use (`Page=1e300`). */
export const MAX_PAGE = 999_999_999;

/** Plain decimal digits only: `1e300`, `0x10` and ` 1` are not page numbers. */
const wholeNumber = (text: string | null, fallback: number) =>
  text === null ? fallback : /^\d{1,10}$/.test(text) ? Number(text) : Number.NaN;

export function pageRequest(query: URLSearchParams): PageRequest {
  const page = wholeNumber(query.get('Page'), 0);
  const pageSize = wholeNumber(query.get('PageSize'), DEFAULT_PAGE_SIZE);
  if (!(page >= 0 && page <= MAX_PAGE)) throw invalid(20006, 'Page', `must be a whole number from 0 to ${MAX_PAGE}`);
  if (!(pageSize >= 1 && pageSize <= MAX_PAGE_SIZE)) {
    throw invalid(20006, 'PageSize', `must be a whole number from 1 to ${MAX_PAGE_SIZE}`);
  }
  return { page, pageSize };
}

export function pageBody<T>(
  key: string,
  path: string,
  query: URLSearchParams,
  request: PageRequest,
  page: Page<T>,
  render: (item: T) => unknown,
) {
  const uri = (n: number) => {
    const params = new URLSearchParams(query);
    params.set('PageSize', String(request.pageSize));
    params.set('Page', String(n));
    return `${path}?${params.toString()}`;
  };
  const start = request.page * request.pageSize;
  return {
    [key]: page.items.map(render),
    page: request.page,
    page_size: request.pageSize,
    uri: uri(request.page),
    first_page_uri: uri(0),
    next_page_uri: page.more ? uri(request.page + 1) : null,
    previous_page_uri: request.page > 0 ? uri(request.page - 1) : null,
    start,
    end: start + Math.max(page.items.length - 1, 0),
  };
}

/**
 * Equality filters from a list's query: each PascalCase parameter given (`ParentCallSid`) filters
 * the record field of the same name in camelCase (`parentCallSid`).
 */
export function filtersFrom(query: URLSearchParams, params: readonly string[]): Record<string, string> {
  const where: Record<string, string> = {};
  for (const param of params) {
    const value = query.get(param);
    if (value !== null) where[param.charAt(0).toLowerCase() + param.slice(1)] = value;
  }
  return where;
}

/** One page of a list held in memory. */
export function pageOf<T>(items: readonly T[], request: PageRequest): Page<T> {
  const start = request.page * request.pageSize;
  return { items: items.slice(start, start + request.pageSize), more: items.length > start + request.pageSize };
}

const DAY_MS = 86_400_000;

/**
 * Date list filters (`StartTime`, `EndTime`, `MessageDate`): `Name` on that date (a `YYYY-MM-DD` day in UTC, or that
 * instant), `Name>` on or after, `Name<` on or before (a bare date: to the end of that day).
 */
export function timeRange(
  query: URLSearchParams,
  name: string,
  field: string,
): Record<string, { min?: number; max?: number }> {
  const bounds: { min?: number; max?: number } = {};
  for (const [param, apply] of [
    [name, (at: number, day: boolean) => Object.assign(bounds, { min: at, max: day ? at + DAY_MS - 1 : at })],
    [`${name}>`, (at: number) => Object.assign(bounds, { min: at })],
    [`${name}<`, (at: number, day: boolean) => Object.assign(bounds, { max: day ? at + DAY_MS - 1 : at })],
  ] as const) {
    const value = query.get(param);
    if (value === null) continue;
    const day = /^\d{4}-\d{2}-\d{2}$/.test(value);
    const at = Date.parse(day ? `${value}T00:00:00Z` : value);
    if (Number.isNaN(at)) throw invalid(21200, param, `"${value}" is not a date (YYYY-MM-DD) or an ISO 8601 time`);
    apply(at, day);
  }
  return Object.keys(bounds).length === 0 ? {} : { [field]: bounds };
}
