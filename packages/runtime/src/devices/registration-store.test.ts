/**
 * Registrations on the SQLite store `patchbay serve` uses (a real file in a temp directory): the
 * challenge found by its nonce, the rate window by its time range, the device kept across a
 * restart of the store; and two requests racing with one signature complete one registration.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { roomsRequest } from '../api/rooms.test-support.js';
import { SqliteStore } from '../store/sqlite.js';
import { ANN, REGISTRATION_NUMBER, startDevicesHarness } from './harness.test-support.js';
import type { DeviceRecord } from './records.js';

const directories: string[] = [];
afterEach(async () => {
  for (const directory of directories.splice(0)) await rm(directory, { recursive: true, force: true });
});

it('registers on SQLite, keeps the device across a reopening, and spends a signature once under a race', async () => {
  const directory = await mkdtemp(join(tmpdir(), 'patchbay-devices-'));
  directories.push(directory);
  const store = await SqliteStore.open(directory);
  const harness = await startDevicesHarness({ store });
  const phone = harness.phone(ANN);
  const reply = phone.receive(REGISTRATION_NUMBER);
  await phone.send(REGISTRATION_NUMBER, 'REGISTER ann-phone');
  const signature = /: (v1\.\S+)/.exec((await reply).body)?.[1] as string;
  const form = { PhoneNumber: ANN, DeviceId: 'ann-phone', Signature: signature };
  const answers = await Promise.all(
    [1, 2, 3].map(() => harness.device('POST', 'DeviceRegistrations/Signed', 'ann', form)),
  );
  expect(answers.map((answer) => answer.status).sort()).toEqual([201, 409, 409]);
  const listed = await roomsRequest(harness, 'GET', 'Devices');
  expect((listed.json.devices as unknown[]).length).toBe(1);
  const sid = (answers.find((answer) => answer.status === 201)?.json.sid ?? '') as string;
  await harness.close();
  await store.close();
  const reopened = await SqliteStore.open(directory);
  const device = await reopened.get<DeviceRecord>('device', harness.account.sid, sid);
  expect(device).toMatchObject({ deviceId: 'ann-phone', number: ANN, identity: 'ann' });
  await reopened.close();
});
