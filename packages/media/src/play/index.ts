/** Play: fetching audio URLs as 8 kHz audio, with caching and the egress policy. */
export { PLAY_ERROR_HOSTED_CODES, PlayError, type PlayErrorCode } from './errors.js';
export { AudioFetcher, type AudioFetcherOptions, type Egress } from './fetcher.js';
export { type CachePolicy, cachePolicy } from './http-cache.js';
