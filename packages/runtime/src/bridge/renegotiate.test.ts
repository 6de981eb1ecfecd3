import { afterEach, describe, expect, it } from 'vitest';
import { type ApiHarness, startApiHarness } from '../api/harness.test-support.js';
import type { DeviceLeg } from '../media/types.js';
import { newKey, RawDevice, tokenFor } from './devices.test-support.js';
import { renegotiate } from './renegotiate.js';
import type { DeviceSession } from './session.js';

const CALL = `CA${'5'.repeat(32)}`;
const OFFER = 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0\r\n';

/** A session holding one call whose leg renegotiates as `leg` says. */
function sessionWith(leg: Partial<DeviceLeg>): DeviceSession {
  return { calls: new Map([[CALL, leg as DeviceLeg]]) } as unknown as DeviceSession;
}
const failing = (code: string) => ({
  renegotiate: async () => {
    throw Object.assign(new Error(`refused (${code})`), { code });
  },
});

describe('renegotiate (ICE restart) on the device channel', () => {
  it("answers with the leg's SDP", async () => {
    const session = sessionWith({ renegotiate: async (offer) => `answer to ${offer.length}` });
    expect(await renegotiate(session, CALL, OFFER)).toEqual({ sdp: `answer to ${OFFER.length}` });
  });

  it("maps the media's typed errors to the protocol's", async () => {
    const cases: [string, string][] = [
      ['renegotiation-limit', 'TooManyRequests'],
      ['sdp-malformed', 'MalformedRequest'],
      ['no-common-codec', 'MalformedRequest'],
      ['session-closed', 'NotFound'],
    ];
    for (const [code, name] of cases) {
      await expect(renegotiate(sessionWith(failing(code)), CALL, OFFER)).rejects.toMatchObject({
        errorName: name,
        message: expect.stringContaining(code),
      });
    }
    await expect(renegotiate(sessionWith({}), CALL, OFFER)).rejects.toMatchObject({ errorName: 'GeneralError' });
    await expect(renegotiate(sessionWith({}), `CA${'6'.repeat(32)}`, OFFER)).rejects.toMatchObject({
      errorName: 'NotFound',
    });
  });
});

describe('renegotiate over the wire', () => {
  let harness: ApiHarness | undefined;
  afterEach(async () => {
    await harness?.close();
  });

  it('refuses an unknown call, and an offer over 12 KiB or not SDP, with typed errors', async () => {
    harness = await startApiHarness({ routes: {} });
    const key = await newKey(harness);
    const { device, welcome } = await RawDevice.open(harness, tokenFor(harness, key, 'alice'));
    expect(welcome.type).toBe('welcome');
    try {
      expect(await device.request({ type: 'renegotiate', callSid: CALL, sdp: OFFER })).toMatchObject({
        ok: false,
        error: { name: 'NotFound', code: 31404 },
      });
      for (const sdp of [`${OFFER}a=x:${'y'.repeat(12 * 1024)}\r\n`, 'hello, not sdp']) {
        device.send({ type: 'renegotiate', id: 'r1', callSid: CALL, sdp });
        const refused = await device.next((m) => m.type === 'error', device.received.length);
        expect(refused).toMatchObject({ type: 'error', error: { name: 'MalformedRequest', code: 31100 } });
      }
    } finally {
      device.close();
    }
  });
});
