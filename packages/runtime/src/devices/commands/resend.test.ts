/**
 * A device offline for a while, in virtual time: Patchbay texts it again when no result comes,
 * waiting twice as long each time; the device reading a later text completes the command (no
 * more texts); one that never answers is expired after the last attempt's wait.
 */
import { DeviceCommands } from '@patchbay/sdk';
import { expect, it } from 'vitest';
import { VirtualClock } from '../../clock/virtual.js';
import { devicesHarnessPerTest } from '../harness.test-support.js';
import { registerAnn } from './commands.test-support.js';

const start = devicesHarnessPerTest();
const policy = { resendMs: 1000, maxResendMs: 4000, attempts: 4 };

/** The command texts to `number`: each one stops virtual time until the test lets it go on. */
function texts(
  clock: VirtualClock,
  events: {
    on(
      event: 'message.updated',
      fn: (m: { to: string; body: string; direction: string; sid: string }) => void,
    ): unknown;
  },
  number: string,
) {
  const seen = new Set<string>();
  const arrived: { body: string; at: number; release: () => void }[] = [];
  events.on('message.updated', (message) => {
    if (
      message.to !== number ||
      message.direction === 'inbound' ||
      !message.body.startsWith('PBC1') ||
      seen.has(message.sid)
    )
      return;
    seen.add(message.sid);
    arrived.push({ body: message.body, at: clock.now(), release: clock.hold() });
  });
  return arrived;
}

/** Ann's phone registered in virtual time, a command posted while she is away, its texts watched. */
async function away() {
  const clock = new VirtualClock(Date.now());
  const harness = await start({ clock, api: { commandPolicy: policy } });
  // Registered with time standing still (idle virtual time would otherwise run past the signature's life).
  const registering = clock.hold();
  const ann = await registerAnn(harness);
  registering();
  const arrived = texts(clock, harness.runtime.events, ann.registered.phoneNumber as string);
  const posted = await ann.post({ Action: 'ping' });
  return { clock, harness, ann, arrived, posted };
}

it('texts again with backoff while the device is away; the device reading a later text completes it', async () => {
  const { clock, harness, ann, arrived, posted } = await away();
  await expect.poll(() => arrived.length).toBe(1);
  arrived[0]?.release();
  await expect.poll(() => arrived.length).toBe(2);
  expect((arrived[1]?.at ?? 0) - (arrived[0]?.at ?? 0)).toBe(1000);

  // Back: the device reads the second text (time stands still meanwhile) and answers.
  const commands = new DeviceCommands({ server: harness.base, credential: ann.registered.credential });
  commands.handle('ping', () => ({ pong: 'yes' }));
  await commands.fromSms(arrived[1]?.body as string);
  await commands.settled();
  expect(await ann.get(String(posted.json.sid))).toMatchObject({
    status: 'completed',
    attempts: 2,
    result: { pong: 'yes' },
  });
  arrived[1]?.release();
  const settledAt = clock.now();
  // Virtual time runs on past every further attempt: no text comes.
  await new Promise<void>((resolve) => clock.setTimer(resolve, 60_000));
  expect(clock.now()).toBeGreaterThanOrEqual(settledAt + 60_000);
  expect(arrived.length).toBe(2);
  commands.close();
});

it('expires a command the device never answers, after the last attempt and its wait', async () => {
  const { harness, ann, arrived, posted } = await away();
  for (let i = 1; i <= 4; i++) {
    await expect.poll(() => arrived.length).toBe(i);
    arrived[i - 1]?.release();
  }
  const expired = await ann.until(String(posted.json.sid), 'expired');
  const at = arrived.map((text) => text.at - (arrived[0]?.at ?? 0));
  expect(at).toEqual([0, 1000, 3000, 7000]);
  // The last attempt's wait (4 s) after the fourth text; the date is written to the second.
  const settled = Date.parse(String(expired.date_settled)) - (arrived[0]?.at ?? 0);
  expect(settled).toBeGreaterThan(10_000);
  expect(settled).toBeLessThanOrEqual(11_000);
  expect(expired).toMatchObject({ attempts: 4, result: null, date_next_attempt: null });
  // Its result, late, is not recorded.
  const commands = new DeviceCommands({ server: harness.base, credential: ann.registered.credential });
  commands.handle('ping', () => ({ pong: 'late' }));
  await commands.fromSms(arrived[3]?.body as string);
  await commands.settled();
  expect(await ann.get(String(posted.json.sid))).toMatchObject({ status: 'expired', result: null });
  expect(arrived.length).toBe(4);
  commands.close();
});
