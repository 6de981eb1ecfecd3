import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { renderWav, SOUND_NAMES, serveSound, soundUrls } from './sounds.js';

const servers: Array<ReturnType<typeof createServer>> = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

async function serve(): Promise<string> {
  const server = createServer((req, res) => serveSound(req, res, (req.url ?? '').slice(1)));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

it("names every sound of the SDK's sounds option", () => {
  const digits = [...'0123456789'].map((digit) => `dtmf${digit}`);
  expect([...SOUND_NAMES].sort()).toEqual(['disconnect', 'incoming', 'outgoing', 'dtmfh', 'dtmfs', ...digits].sort());
  expect(soundUrls('https://pbx.example.com:3443').incoming).toBe(
    'https://pbx.example.com:3443/sdk/sounds/incoming.wav',
  );
});

it('renders 8 kHz 16-bit mono PCM WAV of the segments: tone, then silence', () => {
  const wav = renderWav([
    { ms: 100, hz: [440] },
    { ms: 50, hz: [] },
  ]);
  expect(wav.subarray(0, 4).toString()).toBe('RIFF');
  expect(wav.readUInt32LE(24)).toBe(8000);
  expect(wav.readUInt32LE(40)).toBe(1200 * 2);
  const samples = new Int16Array(wav.buffer, wav.byteOffset + 44, 1200);
  const peak = (from: number, to: number) => Math.max(...samples.subarray(from, to).map(Math.abs));
  expect(peak(100, 700)).toBeGreaterThan(7000);
  expect(peak(800, 1200)).toBe(0);
});

it('serves each sound to any origin, and 404 for a name it does not have', async () => {
  const base = await serve();
  const ring = await fetch(`${base}/incoming.wav`);
  expect(ring.status).toBe(200);
  expect(ring.headers.get('access-control-allow-origin')).toBe('*');
  expect(ring.headers.get('content-type')).toBe('audio/wav');
  // The ring: 2 s on, 4 s off.
  expect((await ring.arrayBuffer()).byteLength).toBe(44 + 6 * 8000 * 2);
  expect((await fetch(`${base}/dtmfh.wav`)).status).toBe(200);
  expect((await fetch(`${base}/constructor.wav`)).status).toBe(404);
  expect((await fetch(`${base}/incoming.mp3`)).status).toBe(404);
  expect((await fetch(`${base}/incoming.wav`, { method: 'POST' })).status).toBe(405);
});
