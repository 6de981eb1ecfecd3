import { describe, expect, it } from 'vitest';
import { cachePolicy, conditionalHeaders } from './http-cache.js';

const NOW = Date.parse('2026-01-01T00:00:00Z');

describe('cachePolicy', () => {
  it('keeps max-age responses fresh for that long', () => {
    expect(cachePolicy({ 'cache-control': 'public, max-age=60' }, NOW)).toEqual({
      store: true,
      freshUntil: NOW + 60000,
    });
  });

  it('stores no-store responses never, and no-cache ones only to revalidate', () => {
    expect(cachePolicy({ 'cache-control': 'no-store', etag: '"a"' }, NOW).store).toBe(false);
    expect(cachePolicy({ 'cache-control': 'no-cache', etag: '"a"' }, NOW)).toEqual({
      store: true,
      freshUntil: NOW,
      etag: '"a"',
    });
    expect(cachePolicy({ 'cache-control': 'no-cache' }, NOW).store).toBe(false);
  });

  it('falls back to Expires, then to a tenth of the age since Last-Modified (a day at most)', () => {
    const expires = new Date(NOW + 30000).toUTCString();
    expect(cachePolicy({ expires, date: new Date(NOW).toUTCString() }, NOW).freshUntil).toBe(NOW + 30000);
    expect(cachePolicy({ expires: 'garbage' }, NOW).store).toBe(false);
    const tenHoursAgo = new Date(NOW - 10 * 3600 * 1000).toUTCString();
    expect(cachePolicy({ 'last-modified': tenHoursAgo }, NOW).freshUntil).toBe(NOW + 3600 * 1000);
    const yearAgo = new Date(NOW - 365 * 24 * 3600 * 1000).toUTCString();
    expect(cachePolicy({ 'last-modified': yearAgo }, NOW).freshUntil).toBe(NOW + 24 * 3600 * 1000);
  });

  it('does not store what it can neither replay nor revalidate', () => {
    expect(cachePolicy({}, NOW).store).toBe(false);
    expect(cachePolicy({ 'cache-control': 'max-age=abc' }, NOW).store).toBe(false);
  });
});

describe('conditionalHeaders', () => {
  it('asks with the validators it has', () => {
    expect(conditionalHeaders({ store: true, freshUntil: 0, etag: '"v1"', lastModified: 'Mon' })).toEqual({
      'if-none-match': '"v1"',
      'if-modified-since': 'Mon',
    });
    expect(conditionalHeaders({ store: true, freshUntil: 0 })).toEqual({});
  });
});
