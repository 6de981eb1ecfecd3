/**
 * `patchbay serve --ice-server --turn-secret`, in its own process: a device's welcome carries
 * the STUN/TURN servers, the TURN ones with credentials coturn would accept for that secret;
 * bad flags refuse the start with one line.
 */
import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { AccessToken, VoiceGrant } from '@patchbay/sdk';
import type { ServerMessage } from '@patchbay/sdk/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { cleanUpProcesses, dataDirectory, runPatchbay, servePatchbay } from './processes.test-support.js';

afterEach(cleanUpProcesses);

const SECRET = 'coturn-shared-secret';

describe('patchbay serve with ICE servers for devices', () => {
  it("hands devices the servers, with time-limited TURN credentials made with coturn's secret", async () => {
    const served = await servePatchbay(
      await dataDirectory('patchbay-ice-'),
      { PATCHBAY_TURN_SECRET: SECRET },
      {
        args: ['--ice-server', 'stun:127.0.62.1:3478', '--ice-server', 'turn:127.0.62.1:3478?transport=udp'],
      },
    );
    const auth = `Basic ${Buffer.from(`${served.sid}:${served.token}`).toString('base64')}`;
    const response = await fetch(`${served.url}/2010-04-01/Accounts/${served.sid}/Keys.json`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'FriendlyName=ice',
    });
    const key = (await response.json()) as { sid: string; secret: string };
    const token = new AccessToken(served.sid, key.sid, key.secret, { identity: 'alice' })
      .addGrant(new VoiceGrant({ incomingAllow: true }))
      .toJwt();
    const socket = new WebSocket(`${served.url.replace('http', 'ws')}/devices/v1/ws`);
    try {
      await once(socket, 'open');
      socket.send(JSON.stringify({ type: 'hello', v: 1, token }));
      const [data] = await once(socket, 'message');
      const welcome = JSON.parse(String(data)) as Extract<ServerMessage, { type: 'welcome' }>;
      expect(welcome.type).toBe('welcome');
      const [stun, turn] = welcome.iceServers ?? [];
      expect(stun).toEqual({ urls: ['stun:127.0.62.1:3478'] });
      expect(turn?.urls).toEqual(['turn:127.0.62.1:3478?transport=udp']);
      const [expiry, identity] = (turn?.username ?? '').split(':');
      expect(identity).toBe('alice');
      const inAnHour = Date.now() / 1000 + 3600;
      expect(Number(expiry)).toBeGreaterThan(inAnHour - 120);
      expect(Number(expiry)).toBeLessThanOrEqual(inAnHour + 1);
      expect(turn?.credential).toBe(
        createHmac('sha1', SECRET)
          .update(turn?.username ?? '')
          .digest('base64'),
      );
    } finally {
      socket.terminate();
    }
  });

  it('refuses a URL that is not STUN or TURN, and a secret without a TURN server', async () => {
    const data = await dataDirectory('patchbay-ice-');
    const notIce = await runPatchbay([
      'serve',
      '--port',
      '0',
      '--data',
      data,
      '--ice-server',
      'https://turn.example.com',
    ]);
    expect(notIce.code).toBe(2);
    expect(notIce.stderr).toMatch(/--ice-server.*is not a STUN or TURN URL/);
    const lonely = await runPatchbay(['serve', '--port', '0', '--data', data, '--ice-server', 'stun:127.0.62.1'], {
      PATCHBAY_TURN_SECRET: SECRET,
    });
    expect(lonely.code).toBe(2);
    expect(lonely.stderr).toMatch(/--turn-secret needs a turn: or turns: --ice-server/);
  });
});
