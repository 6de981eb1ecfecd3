import { expect, it } from 'vitest';
import { offeredMid, simulatedCompatMedia } from './media.js';

it('offers PCMU with ICE credentials and a SHA-256 fingerprint, and answers with the mid of the offer', async () => {
  const media = simulatedCompatMedia();
  const offer = await media.offer('CA1');
  expect(offer).toMatch(/^v=0\r\n/);
  expect(offer).toContain('m=audio 9 UDP/TLS/RTP/SAVPF 0\r\n');
  expect(offer).toMatch(/\r\na=ice-ufrag:\S{4,}\r\na=ice-pwd:\S{22,}\r\n/);
  expect(offer).toMatch(/\r\na=fingerprint:sha-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}\r\na=setup:actpass\r\n/);
  const answer = await media.answer('CA2', 'v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111 0\r\na=mid:audio7\r\n');
  expect(answer).toContain('a=mid:audio7\r\n');
  expect(answer).toContain('a=group:BUNDLE audio7\r\n');
  expect(answer).toContain('a=setup:passive\r\n');
});

it('takes the mid of the audio section only, and 0 when there is none', () => {
  expect(offeredMid('v=0\r\nm=video 9 RTP/AVP 96\r\na=mid:v\r\nm=audio 9 RTP/AVP 0\r\na=mid:a\r\n')).toBe('a');
  expect(offeredMid('v=0\r\nm=audio 9 RTP/AVP 0\r\n')).toBe('0');
});
