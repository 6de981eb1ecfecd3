/**
 * The per-account bound on open commands (91233), with a small limit through `commandPolicy`: it
 * counts the account's commands over all its devices, leaves another account's alone, and a
 * command settled (here canceled) makes room again.
 */
import { expect, it } from 'vitest';
import { harnessPerTest } from '../../api/harness.test-support.js';
import { roomsRequest } from '../../api/rooms.test-support.js';
import type { Store } from '../../store/types.js';
import type { DeviceRecord } from '../records.js';
import { DEFAULT_POLICY } from './decide.js';

const start = harnessPerTest();

/** A device of `accountSid` bound to an email address (not reachable: its commands stay open). */
async function device(store: Store, accountSid: string, n: number): Promise<string> {
  const sid = `DV${String(n).padStart(32, '0')}`;
  const record: DeviceRecord = {
    sid,
    accountSid,
    createdAt: Date.now(),
    updatedAt: Date.now(),
    deviceId: `device-${n}`,
    identity: 'ann',
    binding: { type: 'email', address: `device-${n}@example.com` },
    secret: `secret-${n}`,
  };
  await store.put('device', record);
  return sid;
}

it("bounds an account's open commands over all its devices (91233), and not another account's", async () => {
  const harness = await start({ api: { commandPolicy: { ...DEFAULT_POLICY, openPerAccount: 3 } } });
  const own = { sid: harness.account.sid, secret: harness.account.authToken };
  const sub = await harness.client.api.v2010.accounts.create({ friendlyName: 'Other' });
  const other = { sid: sub.sid, secret: sub.authToken };
  const [first, second] = [await device(harness.store, own.sid, 1), await device(harness.store, own.sid, 2)];
  const theirs = await device(harness.store, other.sid, 3);
  const post = (credentials: typeof own, deviceSid: string) =>
    roomsRequest(harness, 'POST', `Devices/${deviceSid}/Commands`, { Action: 'noop' }, credentials);

  const made = [await post(own, first), await post(own, first), await post(own, second)];
  expect(made.map((answer) => answer.status)).toEqual([201, 201, 201]);
  // The fourth is refused, on either device: the bound is the account's, not the device's (100).
  for (const deviceSid of [second, first])
    expect(await post(own, deviceSid)).toMatchObject({ status: 429, json: { code: 91233, status: 429 } });
  // Another account has its own count.
  for (let i = 0; i < 3; i++) expect((await post(other, theirs)).status).toBe(201);
  expect((await post(other, theirs)).json).toMatchObject({ code: 91233 });

  // One settled (canceled): room for one more, and no more than that.
  const cancel = await roomsRequest(
    harness,
    'POST',
    `Devices/${first}/Commands/${made[0]?.json.sid}`,
    { Status: 'canceled' },
    own,
  );
  expect(cancel.json).toMatchObject({ status: 'canceled' });
  expect((await post(own, second)).status).toBe(201);
  expect((await post(own, second)).json).toMatchObject({ code: 91233 });
});
