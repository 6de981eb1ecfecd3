/**
 * The device's ordering of commands (SDK DeviceCommands against a real server): a number at or
 * below the highest processed is a duplicate and dropped; after a gap the later ones are held and,
 * after the bounded wait (a manual clock), the missing ones are fetched from Patchbay; a canceled
 * number is skipped.
 */
import { DeviceCommands } from '@patchbay/sdk';
import { expect, it } from 'vitest';
import { roomsRequest } from '../../api/rooms.test-support.js';
import { devicesHarnessPerTest } from '../harness.test-support.js';
import { ManualClock, registerAnn } from './commands.test-support.js';

const start = devicesHarnessPerTest();

it('drops duplicates, holds what follows a gap, and fetches the missing numbers after the wait', async () => {
  const harness = await start();
  const ann = await registerAnn(harness);
  const posted: string[] = [];
  for (const n of ['1', '2', '3']) posted.push(String((await ann.post({ Action: 'step', 'Params.n': n })).json.sid));
  const clock = new ManualClock();
  const commands = new DeviceCommands({
    server: harness.base,
    credential: ann.registered.credential,
    clock,
    gapWaitMs: 500,
  });
  const ran: string[] = [];
  commands.handle('step', (params) => {
    ran.push(params.n ?? '');
    return { n: params.n ?? '' };
  });
  const step = (number: number) => ({
    sid: posted[number - 1] as string,
    number,
    action: 'step',
    params: { n: String(number) },
  });

  commands.receive(step(1));
  commands.receive(step(1));
  commands.receive(step(3));
  await commands.settled();
  expect(ran).toEqual(['1']);
  expect(commands.highest).toBe(1);
  clock.advance(499);
  await commands.settled();
  expect(ran).toEqual(['1']);
  // The wait is over: 2 is fetched, then 2 and 3 run in order.
  clock.advance(1);
  await expect.poll(() => ran).toEqual(['1', '2', '3']);
  await commands.settled();
  for (const sid of posted) expect(await ann.get(sid)).toMatchObject({ status: 'completed' });
  commands.receive(step(2));
  expect(ran).toEqual(['1', '2', '3']);

  // A canceled number is skipped once fetched.
  const canceled = String((await ann.post({ Action: 'step', 'Params.n': '4' })).json.sid);
  await roomsRequest(harness, 'POST', `Devices/${ann.registered.sid}/Commands/${canceled}`, { Status: 'canceled' });
  const fifth = await ann.post({ Action: 'step', 'Params.n': '5' });
  commands.receive({ sid: String(fifth.json.sid), number: 5, action: 'step', params: { n: '5' } });
  clock.advance(500);
  await expect.poll(() => ran).toEqual(['1', '2', '3', '5']);
  await commands.settled();
  expect(commands.highest).toBe(5);
  expect(await ann.get(String(fifth.json.sid))).toMatchObject({ status: 'completed', result: { n: '5' } });
  expect(await ann.get(canceled)).toMatchObject({ status: 'canceled', result: null });
  commands.close();
});
