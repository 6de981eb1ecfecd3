/**
 * Play URLs that are huge, slow or not audio, at a real `patchbay serve --media sip` with a real
 * phone: each is skipped with its warning on the call (11750, 11200, 12300, read back through
 * REST Notifications), the call goes on, and the phone hears the next verb's audio within the
 * fetch timeout's bound.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hearsTone } from '../testing/audio-analysis.js';
import { type Phone, startPhone } from '../testing/baresip.js';
import { toneWav } from '../testing/wav.js';
import { calls, type HostileServer, hostileServer } from './hostile.test-support.js';

/** The fetcher's whole-fetch timeout (AudioFetcher's default): a slow URL costs at most this. */
const FETCH_TIMEOUT_MS = 15_000;
let s: HostileServer;
let files: Server;
let phone: Phone | undefined;

beforeAll(async () => {
  // What the Play URLs serve: 17 MiB of "audio" (over the 16 MiB limit), a body that trickles
  // forever, an HTML page, and a real tone.
  files = createServer((request, response) => {
    if (request.url === '/huge.wav') {
      response.writeHead(200, { 'content-type': 'audio/wav' });
      const chunk = Buffer.alloc(1024 * 1024, 0x7f);
      for (let i = 0; i < 17; i++) response.write(chunk);
      response.end();
    } else if (request.url === '/slow.wav') {
      response.writeHead(200, { 'content-type': 'audio/wav' });
      const drip = setInterval(() => response.write(Buffer.from([0])), 500);
      response.on('close', () => clearInterval(drip));
    } else if (request.url === '/page.wav') {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end('<html><body>Not audio</body></html>');
    } else {
      response.writeHead(200, { 'content-type': 'audio/wav' });
      response.end(Buffer.from(toneWav(1000, 3)));
    }
  });
  await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
  s = await hostileServer(
    { rtpPorts: { min: 47500, max: 47998 }, allow: [{ address: '127.0.0.96', prefix: 32 }] },
    {
      '/voice': () =>
        `<Response><Play>${base}/huge.wav</Play><Play>${base}/slow.wav</Play><Play>${base}/page.wav</Play>` +
        `<Play>${base}/tone.wav</Play><Pause length="5"/></Response>`,
    },
  );
  await s.post('IncomingPhoneNumbers.json', { PhoneNumber: '+15550003000', VoiceUrl: `${s.app.url}/voice` });
});

afterAll(async () => {
  await phone?.close();
  await s?.close();
  files?.closeAllConnections();
  await new Promise((resolve) => files?.close(resolve));
});

describe('Play URLs that are huge, slow or not audio', () => {
  it('are skipped with 11750, 11200 and 12300 on the call, and the phone hears the next Play within the timeout', async () => {
    phone = await startPhone({ address: '127.0.0.96' });
    const started = Date.now();
    await phone.dial(`sip:+15550003000@127.0.0.1:${s.sipPort}`);
    await phone.waitFor('established', 15_000);
    // Listen in half-second steps until the tone arrives, within the fetch timeout and a margin.
    let heardTone = false;
    let heard = (await phone.heard()).length;
    while (!heardTone && Date.now() - started < FETCH_TIMEOUT_MS + 10_000) {
      const pcm = await phone.listen(heard / 8 + 500);
      heardTone = hearsTone(pcm.subarray(Math.max(0, heard - 4000)), 1000);
      heard = pcm.length;
    }
    expect(heardTone).toBe(true);
    expect(Date.now() - started).toBeLessThan(FETCH_TIMEOUT_MS + 10_000);
    const [call] = await calls(s);
    expect(call?.status).toBe('in-progress');
    const page = await s.get(`Calls/${call?.sid}/Notifications.json`);
    const codes = (page.notifications as Array<{ error_code: string }>).map((n) => n.error_code).sort();
    expect(codes).toEqual(['11200', '11750', '12300']);
    await phone.hangup();
  });
});
