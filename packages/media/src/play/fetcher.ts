/**
 * Fetches Play URLs as 8 kHz mono Int16 audio, with the webhook client's discipline: http(s)
 * only, the egress policy checked on the URL and on every redirect (and, through its dispatcher,
 * on every address connected to), a byte cap read as the body arrives, one timeout for the
 * whole fetch. Bodies must be labelled audio/* (or a generic binary type, in which case the bytes
 * must look like WAV or MP3). Decoded audio is cached by URL as Cache-Control allows, revalidated
 * with ETag / Last-Modified (a 304 keeps the cached audio), in an LRU bounded by bytes; concurrent
 * fetches of one URL share one download.
 *
 * @example
 * const fetcher = new AudioFetcher({ egress: runtimeEgress });
 * const samples = await fetcher.fetch('https://example.com/hold.mp3', signal);
 */
import { DEFAULT_EGRESS } from '@patchbay/runtime';
import type { Dispatcher } from 'undici';
import { request } from 'undici';
import { decodeToPhone } from '../audio/decode.js';
import { AudioFormatError } from '../audio/errors.js';
import { ByteLru } from '../audio/lru.js';
import { PHONE_RATE } from '../audio/pcm.js';
import { DEFAULT_MAX_SAMPLES } from '../audio/phone-sink.js';
import { SingleFlight } from '../audio/single-flight.js';
import { sniffAudio } from '../audio/sniff.js';
import { PlayError } from './errors.js';
import { type CachePolicy, cachePolicy, conditionalHeaders } from './http-cache.js';

/** Structurally the runtime's Egress (packages/runtime/src/webhooks/egress.ts). */
export interface Egress {
  refuseUrl(url: URL): string | undefined;
  dispatcher(connectMs: number): Dispatcher;
}

export interface AudioFetcherOptions {
  /** Where fetches may go. @default the runtime's DEFAULT_EGRESS (allow-private) */
  readonly egress?: Egress;
  /** Largest body read, in bytes. @default 16 MiB */
  readonly maxBytes?: number;
  /** Longest audio kept, in ms at 8 kHz. @default 600000 (10 minutes) */
  readonly maxDurationMs?: number;
  /** The whole fetch, redirects and body included. @default 15000 */
  readonly timeoutMs?: number;
  /** Connect timeout (capped by timeoutMs). @default 5000 */
  readonly connectMs?: number;
  /** @default 5 */
  readonly maxRedirects?: number;
  /** Decoded audio kept, in bytes. @default 64 MiB */
  readonly cacheBytes?: number;
  /** @default 'Patchbay/0.1' */
  readonly userAgent?: string;
  /** Milliseconds since the epoch, for cache freshness. @default Date.now */
  readonly now?: () => number;
}

interface Entry extends CachePolicy {
  readonly audio: Int16Array;
  /** The caching headers last received, for a 304 that does not repeat them. */
  readonly headers: Readonly<Record<string, string>>;
}

const CACHING_HEADERS = ['cache-control', 'expires', 'etag', 'last-modified'] as const;

function cachingHeaders(headers: Readonly<Record<string, string | string[] | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of CACHING_HEADERS) {
    const value = headers[name];
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

const EGRESS_REFUSED = 'EPATCHBAYEGRESS';
const GENERIC_TYPES = new Set(['', 'application/octet-stream', 'binary/octet-stream', 'application/binary']);
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export class AudioFetcher {
  private readonly egress: Egress;
  private readonly maxBytes: number;
  private readonly maxSamples: number;
  private readonly timeoutMs: number;
  private readonly connectMs: number;
  private readonly maxRedirects: number;
  private readonly userAgent: string;
  private readonly now: () => number;
  private readonly cache: ByteLru<string, Entry>;
  private readonly flights = new SingleFlight<string, Int16Array>();

  constructor(options: AudioFetcherOptions = {}) {
    this.egress = options.egress ?? DEFAULT_EGRESS;
    this.maxBytes = options.maxBytes ?? 16 * 1024 * 1024;
    this.maxSamples = options.maxDurationMs
      ? Math.ceil((options.maxDurationMs * PHONE_RATE) / 1000)
      : DEFAULT_MAX_SAMPLES;
    this.timeoutMs = options.timeoutMs ?? 15000;
    this.connectMs = Math.min(options.connectMs ?? 5000, this.timeoutMs);
    this.maxRedirects = options.maxRedirects ?? 5;
    this.userAgent = options.userAgent ?? 'Patchbay/0.1';
    this.now = options.now ?? Date.now;
    this.cache = new ByteLru(options.cacheBytes ?? 64 * 1024 * 1024);
  }

  /** The audio at `url`, 8 kHz mono; rejects with PlayError, or with `signal.reason` when aborted. */
  async fetch(url: string, signal: AbortSignal): Promise<Int16Array> {
    if (signal.aborted) throw signal.reason;
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      throw new PlayError('play-refused-url', 'not an absolute URL', url);
    }
    target.hash = '';
    const key = target.href;
    const cached = this.cache.get(key);
    if (cached && cached.freshUntil > this.now()) return cached.audio;
    return this.flights.run(key, signal, (shared) => this.load(key, target, cached, shared));
  }

  /** Bytes of decoded audio cached now. */
  get cachedBytes(): number {
    return this.cache.bytes;
  }

  private async load(key: string, first: URL, cached: Entry | undefined, shared: AbortSignal): Promise<Int16Array> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = AbortSignal.any([shared, timeout]);
    let target = first;
    try {
      for (let hop = 0; ; hop++) {
        const refused =
          target.protocol === 'http:' || target.protocol === 'https:'
            ? this.egress.refuseUrl(target)
            : `${target.protocol} URLs are not fetched`;
        if (refused) throw new PlayError('play-refused-url', refused, target.href);
        const response = await request(target, {
          method: 'GET',
          headers: {
            'user-agent': this.userAgent,
            accept: 'audio/*, application/octet-stream;q=0.5',
            ...(cached ? conditionalHeaders(cached) : {}),
          },
          signal,
          dispatcher: this.egress.dispatcher(this.connectMs),
          headersTimeout: this.timeoutMs,
          bodyTimeout: this.timeoutMs,
        });
        const { statusCode, headers } = response;
        const location = headers.location;
        if (REDIRECTS.has(statusCode) && typeof location === 'string') {
          await response.body.dump();
          if (hop === this.maxRedirects)
            throw new PlayError('play-too-many-redirects', `more than ${this.maxRedirects} redirects`, target.href);
          target = new URL(location, target);
          continue;
        }
        if (statusCode === 304 && cached) {
          await response.body.dump();
          const merged = { ...cached.headers, ...cachingHeaders(headers) };
          this.remember(key, { ...cachePolicy(merged, this.now()), audio: cached.audio, headers: merged });
          return cached.audio;
        }
        if (statusCode < 200 || statusCode >= 300) {
          await response.body.dump();
          throw new PlayError('play-http-status', `the server answered HTTP ${statusCode}`, target.href, {
            status: statusCode,
          });
        }
        const type = String(headers['content-type'] ?? '')
          .split(';')[0]
          ?.trim()
          .toLowerCase();
        const generic = GENERIC_TYPES.has(type ?? '');
        if (!generic && !type?.startsWith('audio/')) {
          await response.body.dump();
          throw new PlayError('play-not-audio', `the server answered ${type} (not audio)`, target.href);
        }
        const bytes = await this.readCapped(response.body, Number(headers['content-length'] ?? 0), target.href);
        if (!sniffAudio(bytes)) {
          const code = generic ? 'play-not-audio' : 'play-unsupported-format';
          throw new PlayError(code, `${type || 'an unlabelled body'} that is neither WAV nor MP3`, target.href);
        }
        const audio = await this.decode(bytes, target.href, shared);
        this.remember(key, { ...cachePolicy(headers, this.now()), audio, headers: cachingHeaders(headers) });
        return audio;
      }
    } catch (error) {
      throw this.classify(error, target.href, timeout, shared);
    }
  }

  private remember(key: string, entry: Entry): void {
    if (entry.store) this.cache.set(key, entry, entry.audio.byteLength);
    else this.cache.delete(key);
  }

  private async readCapped(body: Dispatcher.ResponseData['body'], declared: number, url: string): Promise<Uint8Array> {
    const tooLarge = () => new PlayError('play-too-large', `the body is larger than ${this.maxBytes} bytes`, url);
    if (declared > this.maxBytes) {
      body.destroy();
      throw tooLarge();
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > this.maxBytes) {
        body.destroy();
        throw tooLarge();
      }
      chunks.push(chunk);
    }
    return new Uint8Array(Buffer.concat(chunks, size));
  }

  private async decode(bytes: Uint8Array, url: string, signal: AbortSignal): Promise<Int16Array> {
    try {
      return await decodeToPhone(bytes, { maxSamples: this.maxSamples, signal });
    } catch (error) {
      if (!(error instanceof AudioFormatError)) throw error;
      const code = error.code === 'audio-too-long' ? 'play-too-large' : 'play-unsupported-format';
      throw new PlayError(code, error.message, url, { cause: error });
    }
  }

  private classify(error: unknown, url: string, timeout: AbortSignal, shared: AbortSignal): unknown {
    if (shared.aborted) return shared.reason;
    if (error instanceof PlayError) return error;
    if (timeout.aborted || isUndiciTimeout(error))
      return new PlayError('play-timeout', `no complete answer within ${this.timeoutMs} ms`, url, { cause: error });
    if (codeOf(error) === EGRESS_REFUSED || codeOf((error as { cause?: unknown })?.cause) === EGRESS_REFUSED)
      return new PlayError('play-refused-url', (error as Error).message, url, { cause: error });
    return new PlayError('play-fetch-failed', error instanceof Error ? error.message : String(error), url, {
      cause: error,
    });
  }
}

function codeOf(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
}

function isUndiciTimeout(error: unknown): boolean {
  const code = codeOf(error);
  return code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT';
}
