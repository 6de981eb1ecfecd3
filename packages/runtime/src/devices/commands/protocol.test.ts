/**
 * The channel's messages as a device without the SDK sees them: `commands-attach`, `command` in
 * the session's sequenced stream, `command-result` answered by a `result`; a command for a device
 * whose connection dropped wakes it (SMS) and waits in the session too, delivered when it resumes;
 * a result from a session that did not attach the device is refused (91230).
 */
import type { ServerMessage } from '@patchbay/sdk/protocol';
import { expect, it } from 'vitest';
import { RawDevice } from '../../bridge/devices.test-support.js';
import { devicesHarnessPerTest } from '../harness.test-support.js';
import { registerAnn } from './commands.test-support.js';

const start = devicesHarnessPerTest();
type CommandMessage = Extract<ServerMessage, { type: 'command' }>;

it('delivers in the sequenced stream, wakes a device whose connection dropped, and delivers on resume', async () => {
  const harness = await start();
  const ann = await registerAnn(harness);
  const [device, secret] = ann.registered.credential.split(':') as [string, string];
  const token = harness.token('ann');
  const { device: raw, welcome } = await RawDevice.open(harness, token);
  expect(await raw.request({ type: 'commands-attach', device, secret, after: 0 })).toMatchObject({ ok: true });

  const first = await ann.post({ Action: 'ring' });
  const pushed = (await raw.next((m) => m.type === 'command')) as CommandMessage;
  expect(pushed).toMatchObject({ device, sid: first.json.sid, number: 1, action: 'ring', params: {} });
  expect(await ann.get(String(first.json.sid))).toMatchObject({ status: 'delivered', delivered_via: 'channel' });

  // The connection drops (no bye): the session waits for the device to resume.
  const session = String((welcome as { session: string }).session);
  raw.close();
  await expect.poll(() => harness.runtime.devices?.session(session)?.link).toBeUndefined();
  const texted = ann.phone.receive();
  const second = await ann.post({ Action: 'lock' });
  expect((await texted).body).toMatch(/^PBC1 1 [0-9a-f]{16} ring lock$/);
  expect(await ann.get(String(second.json.sid))).toMatchObject({ status: 'delivered', delivered_via: 'sms' });

  // Resumed: the command queued in the session arrives; both results are taken on it.
  const resumed = await RawDevice.open(harness, token, { session, received: pushed.seq });
  expect(resumed.welcome).toMatchObject({ resumed: true });
  const queued = (await resumed.device.next((m) => m.type === 'command')) as CommandMessage;
  expect(queued).toMatchObject({ sid: second.json.sid, number: 2, action: 'lock' });
  for (const message of [pushed, queued])
    expect(
      await resumed.device.request({
        type: 'command-result',
        device,
        command: message.sid,
        ok: true,
        result: { n: String(message.number) },
      }),
    ).toMatchObject({ ok: true });
  expect(await ann.get(String(second.json.sid))).toMatchObject({ status: 'completed', result: { n: '2' } });

  // Another session, not attached: its result is refused and changes nothing.
  const { device: other } = await RawDevice.open(harness, token);
  const third = await ann.post({ Action: 'wipe' });
  const refused = await other.request({ type: 'command-result', device, command: String(third.json.sid), ok: true });
  expect(refused).toMatchObject({ ok: false, error: { code: 91230, name: 'CommandAuthenticationFailed' } });
  expect(await ann.get(String(third.json.sid))).toMatchObject({ result: null });
  resumed.device.close();
  other.close();
});
