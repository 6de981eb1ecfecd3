import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { wavDurationMs } from '../media/wav.js';
import { scenario } from '../testing/scenario.js';
import { recordingMedia } from './recording-media.js';

describe('recording media', () => {
  it('serves a recording at the URL the runtime posted to the app', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const publicUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await using s = await scenario(
      { '/voice': () => '<Response><Record action="/saved"/></Response>', '/saved': () => '<Response/>' },
      { runtime: { publicUrl } },
    );
    const serve = recordingMedia(s.runtime);
    server.on('request', (req, res) => serve(req, res) || res.writeHead(404).end());
    try {
      await s.inbound({ inputs: [{ digits: '#', afterMs: 3000 }] });
      const url = String(s.app.requestsTo('/saved')[0]?.params.RecordingUrl);
      expect(url.startsWith(publicUrl)).toBe(true);
      for (const address of [url, `${url}.wav`]) {
        const response = await fetch(address);
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toBe('audio/x-wav');
        expect(wavDurationMs(new Uint8Array(await response.arrayBuffer()))).toBe(3000);
      }
      expect((await fetch(`${url}.mp3`)).status).toBe(415);
      expect((await fetch(url.replace(/RE[0-9a-f]{32}/, `RE${'0'.repeat(32)}`))).status).toBe(404);
      expect((await fetch(url.replace(/AC[0-9a-f]{32}/, `AC${'1'.repeat(32)}`))).status).toBe(404);
      expect((await fetch(`${publicUrl}/elsewhere`)).status).toBe(404);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
