import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccessToken, Device, VoiceGrant } from '@patchbay/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { FAST, officialClient } from '../api/harness.test-support.js';
import { type RunningServer, startServer } from '../cli/serve.js';
import { startAppServer } from '../testing/app-server.js';
import { next, until } from './devices.test-support.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('a server restart with devices connected', () => {
  it('devices reconnect and register again by themselves, and receive calls on the new server', async () => {
    const data = await mkdtemp(join(tmpdir(), 'patchbay-devices-'));
    cleanups.push(() => rm(data, { recursive: true, force: true }));
    const app = await startAppServer({
      '/voice': () => '<Response><Dial timeout="10"><Client>alice</Client></Dial></Response>',
    });
    cleanups.push(() => app.close());
    let server: RunningServer = await startServer({ port: 0, data, timing: FAST });
    cleanups.push(() => server.close());
    const client = officialClient(server.url, server.account.sid, server.account.authToken);
    await client.incomingPhoneNumbers.create({ phoneNumber: '+15550145000', voiceUrl: `${app.url}/voice` });
    const key = await client.newKeys.create();
    const token = new AccessToken(server.account.sid, key.sid, key.secret, { identity: 'alice' })
      .addGrant(new VoiceGrant({ incomingAllow: true }))
      .toJwt();
    const device = new Device(token, { server: server.url, reconnectDelayMs: 20, maxReconnectDelayMs: 200 });
    cleanups.push(() => device.destroy());
    await device.register();
    const firstSession = device.sessionId;

    const port = Number(new URL(server.url).port);
    await server.close();
    server = await startServer({ port, data, timing: FAST });
    const bridge = server.runtime.devices as NonNullable<typeof server.runtime.devices>;
    await until(bridge.events, 'presence', (record) => record.identity === 'alice' && record.status === 'online');
    expect(device.state).toBe('registered');
    expect(device.sessionId).not.toBe(firstSession);

    const invited = next(device, 'incoming');
    server.network?.call({ from: '+15550100030', to: '+15550145000' });
    const [call] = await invited;
    expect(call.parameters.To).toBe('client:alice');
  });
});
