import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEgress } from '@patchbay/runtime';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildWav, sine } from '../audio/__fixtures__/build-wav.js';
import { goertzelDb, rmsDb } from '../audio/goertzel.js';
import { PlayError } from './errors.js';
import { AudioFetcher } from './fetcher.js';

const MP3 = readFileSync(new URL('../audio/__fixtures__/tone440.mp3', import.meta.url));
const TONE_WAV = Buffer.from(buildWav({ encoding: 'pcm16', rate: 16000, channels: [sine(1000, 16000, 1)] }));
const OTHER_WAV = Buffer.from(buildWav({ encoding: 'alaw', rate: 8000, channels: [sine(500, 8000, 1)] }));

/** What the server saw: full answers and 304s per path. */
const served = new Map<string, number>();
const notModified = new Map<string, number>();
/** Resolves with a function that answers the pending /gated.wav request, once it arrives. */
let gated: { arrived: Promise<() => void>; arrive: (answer: () => void) => void } | undefined;

function expectGated(): Promise<() => void> {
  let arrive!: (answer: () => void) => void;
  const arrived = new Promise<() => void>((resolve) => {
    arrive = resolve;
  });
  gated = { arrived, arrive };
  return arrived;
}
let base = '';

function count(map: Map<string, number>, path: string): void {
  map.set(path, (map.get(path) ?? 0) + 1);
}

const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
  '/tone.wav': (_req, res) =>
    res.writeHead(200, { 'content-type': 'audio/wav', 'cache-control': 'max-age=60', etag: '"t1"' }).end(TONE_WAV),
  '/revalidate.wav': (req, res) => {
    if (req.headers['if-none-match'] === '"r1"') {
      count(notModified, '/revalidate.wav');
      return res.writeHead(304, { etag: '"r1"' }).end();
    }
    res.writeHead(200, { 'content-type': 'audio/x-wav', 'cache-control': 'no-cache', etag: '"r1"' }).end(TONE_WAV);
  },
  '/no-store.wav': (_req, res) =>
    res.writeHead(200, { 'content-type': 'audio/wav', 'cache-control': 'no-store' }).end(TONE_WAV),
  '/other.wav': (_req, res) =>
    res.writeHead(200, { 'content-type': 'audio/wav', 'cache-control': 'max-age=60' }).end(OTHER_WAV),
  '/octet.mp3': (_req, res) => res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(MP3),
  '/redirect': (_req, res) => res.writeHead(302, { location: '/tone.wav' }).end(),
  '/loop': (_req, res) => res.writeHead(302, { location: '/loop' }).end(),
  '/to-file': (_req, res) => res.writeHead(302, { location: 'file:///etc/passwd' }).end(),
  '/missing.wav': (_req, res) => res.writeHead(404, { 'content-type': 'text/plain' }).end('no'),
  '/page.html': (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>hi</html>'),
  '/fake.wav': (_req, res) => res.writeHead(200, { 'content-type': 'audio/wav' }).end('<html>not audio</html>'),
  '/ogg': (_req, res) => res.writeHead(200, { 'content-type': 'audio/ogg' }).end('OggS\0\x02 not decoded'),
  '/huge': (_req, res) => {
    res.writeHead(200, { 'content-type': 'audio/wav' });
    const chunk = Buffer.alloc(64 * 1024);
    const pump = () => {
      while (!res.destroyed && res.write(chunk));
      if (!res.destroyed) res.once('drain', pump);
    };
    pump();
  },
  '/huge-declared': (_req, res) =>
    res.writeHead(200, { 'content-type': 'audio/wav', 'content-length': 50_000_000 }).write(TONE_WAV.subarray(0, 100)),
  '/slow': (_req, res) => res.writeHead(200, { 'content-type': 'audio/wav' }).write(TONE_WAV.subarray(0, 100)),
  '/gated.wav': (_req, res) => {
    gated?.arrive(() => res.writeHead(200, { 'content-type': 'audio/wav', 'cache-control': 'no-store' }).end(TONE_WAV));
  },
};

const server = createServer((req, res) => {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  const route = routes[path];
  if (!route) return res.writeHead(404).end();
  if (req.headers['if-none-match'] === undefined) count(served, path);
  route(req, res);
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  served.clear();
  notModified.clear();
});

const live = () => new AbortController().signal;

async function failure(promise: Promise<unknown>): Promise<PlayError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(PlayError);
  return error as PlayError;
}

describe('AudioFetcher', () => {
  it('fetches a 16 kHz WAV as 8 kHz audio with its tone', async () => {
    const audio = await new AudioFetcher().fetch(`${base}/tone.wav`, live());
    expect(audio.length).toBe(8000);
    expect(goertzelDb(audio.subarray(2000, 6000), 8000, 1000)).toBeGreaterThan(-7);
  });

  it('decodes MP3 served as application/octet-stream by sniffing its bytes', async () => {
    const audio = await new AudioFetcher().fetch(`${base}/octet.mp3`, live());
    expect(goertzelDb(audio.subarray(4000, 12000), 8000, 440)).toBeGreaterThan(-8);
  });

  it('replays a max-age response from the cache until it goes stale', async () => {
    let now = 1_000_000;
    const fetcher = new AudioFetcher({ now: () => now });
    const first = await fetcher.fetch(`${base}/tone.wav`, live());
    expect(await fetcher.fetch(`${base}/tone.wav#again`, live())).toBe(first);
    expect(served.get('/tone.wav')).toBe(1);
    now += 61_000;
    await fetcher.fetch(`${base}/tone.wav`, live());
    expect(served.get('/tone.wav')).toBe(1); // revalidated with If-None-Match: "t1"
  });

  it('revalidates no-cache responses every time and keeps the audio on 304', async () => {
    const fetcher = new AudioFetcher();
    const first = await fetcher.fetch(`${base}/revalidate.wav`, live());
    const second = await fetcher.fetch(`${base}/revalidate.wav`, live());
    const third = await fetcher.fetch(`${base}/revalidate.wav`, live());
    expect([second, third]).toEqual([first, first]);
    expect(served.get('/revalidate.wav')).toBe(1);
    expect(notModified.get('/revalidate.wav')).toBe(2);
  });

  it('downloads no-store responses every time', async () => {
    const fetcher = new AudioFetcher();
    await fetcher.fetch(`${base}/no-store.wav`, live());
    await fetcher.fetch(`${base}/no-store.wav`, live());
    expect(served.get('/no-store.wav')).toBe(2);
    expect(fetcher.cachedBytes).toBe(0);
  });

  it('evicts the least recently used audio past its byte budget', async () => {
    const fetcher = new AudioFetcher({ cacheBytes: 20_000 }); // one second at 8 kHz is 16,000 bytes
    await fetcher.fetch(`${base}/tone.wav`, live());
    await fetcher.fetch(`${base}/other.wav`, live());
    await fetcher.fetch(`${base}/tone.wav`, live());
    expect(served.get('/tone.wav')).toBe(2);
    expect(fetcher.cachedBytes).toBe(16_000);
  });

  it('shares one download among concurrent fetches of a URL', async () => {
    const fetcher = new AudioFetcher();
    const arrived = expectGated();
    const pending = [1, 2, 3].map(() => fetcher.fetch(`${base}/gated.wav`, live()));
    (await arrived)();
    const [a, b, c] = await Promise.all(pending);
    expect(a).toBe(b);
    expect(b).toBe(c);
    expect(served.get('/gated.wav')).toBe(1);
  });

  it('follows redirects, and stops at maxRedirects', async () => {
    const fetcher = new AudioFetcher({ maxRedirects: 3 });
    expect((await fetcher.fetch(`${base}/redirect`, live())).length).toBe(8000);
    const error = await failure(fetcher.fetch(`${base}/loop`, live()));
    expect(error.code).toBe('play-too-many-redirects');
    expect(served.get('/loop')).toBe(4);
  });

  it('refuses other schemes, at the start and at a redirect, and what the egress policy refuses', async () => {
    const fetcher = new AudioFetcher();
    expect((await failure(fetcher.fetch('ftp://127.0.0.1/a.wav', live()))).code).toBe('play-refused-url');
    expect((await failure(fetcher.fetch('not a url', live()))).code).toBe('play-refused-url');
    const redirected = await failure(fetcher.fetch(`${base}/to-file`, live()));
    expect([redirected.code, redirected.url]).toEqual(['play-refused-url', 'file:///etc/passwd']);
    const strict = new AudioFetcher({ egress: createEgress({ policy: 'deny-private' }) });
    expect((await failure(strict.fetch(`${base}/tone.wav`, live()))).code).toBe('play-refused-url');
    const port = new URL(base).port;
    const resolved = await failure(strict.fetch(`http://localhost:${port}/tone.wav`, live()));
    expect(resolved.code).toBe('play-refused-url'); // refused after resolution, at connect
    expect(served.get('/tone.wav')).toBeUndefined();
  });

  it('reports a refused connection', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error = await failure(new AudioFetcher().fetch(`http://127.0.0.1:${port}/a.wav`, live()));
    expect([error.code, (error.cause as { code?: string }).code]).toEqual(['play-fetch-failed', 'ECONNREFUSED']);
  });

  it('reports HTTP errors with their status', async () => {
    const error = await failure(new AudioFetcher().fetch(`${base}/missing.wav`, live()));
    expect([error.code, error.status]).toEqual(['play-http-status', 404]);
  });

  it('refuses bodies that are not audio, and audio it cannot decode', async () => {
    const fetcher = new AudioFetcher();
    expect((await failure(fetcher.fetch(`${base}/page.html`, live()))).code).toBe('play-not-audio');
    expect((await failure(fetcher.fetch(`${base}/fake.wav`, live()))).code).toBe('play-unsupported-format');
    expect((await failure(fetcher.fetch(`${base}/ogg`, live()))).code).toBe('play-unsupported-format');
  });

  it('stops reading a body past maxBytes, announced or not', async () => {
    const fetcher = new AudioFetcher({ maxBytes: 1024 * 1024 });
    expect((await failure(fetcher.fetch(`${base}/huge`, live()))).code).toBe('play-too-large');
    expect((await failure(fetcher.fetch(`${base}/huge-declared`, live()))).code).toBe('play-too-large');
  });

  it('refuses audio longer than maxDurationMs', async () => {
    const error = await failure(new AudioFetcher({ maxDurationMs: 500 }).fetch(`${base}/tone.wav`, live()));
    expect(error.code).toBe('play-too-large');
  });

  it('gives up on a body that stalls after timeoutMs', async () => {
    const started = performance.now();
    const error = await failure(new AudioFetcher({ timeoutMs: 300 }).fetch(`${base}/slow`, live()));
    expect(error.code).toBe('play-timeout');
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('rejects with the signal reason when the caller aborts', async () => {
    const controller = new AbortController();
    const pending = new AudioFetcher().fetch(`${base}/slow`, controller.signal);
    controller.abort(new Error('hung up'));
    await expect(pending).rejects.toThrow('hung up');
  });

  it('plays what it fetched at a real level', async () => {
    const audio = await new AudioFetcher().fetch(`${base}/other.wav`, live());
    expect(rmsDb(audio)).toBeGreaterThan(-12);
  });
});
