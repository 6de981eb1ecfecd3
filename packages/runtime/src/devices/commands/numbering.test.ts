/**
 * A device's command numbering (service.ts) when several processes share the store (a cluster's
 * nodes): the device's first commands, made on two nodes at the same instant, are numbered 1 and 2,
 * never both 1 (the device would drop the second as a repeat, and it would never complete).
 */
import { expect, it } from 'vitest';
import type { AccountRecord } from '../../api/auth.js';
import { VirtualClock } from '../../clock/virtual.js';
import { MemoryStore } from '../../store/memory.js';
import type { DeviceRecord } from '../records.js';
import { CommandService } from './service.js';

it("numbers a device's first commands once when two nodes make them at the same instant", async () => {
  const store = new MemoryStore();
  // Each change of the numbering is answered a moment after it is made, as by a busy database:
  // both nodes learn there is none before either starts it.
  const update = store.update.bind(store);
  store.update = async (kind, accountSid, sid, change) => {
    const changed = await update(kind, accountSid, sid, change as never);
    if (kind === 'device-command-state') await new Promise((resolve) => setTimeout(resolve, 10));
    return changed as never;
  };
  const account = { sid: `AC${'1'.repeat(32)}` } as AccountRecord;
  const device = { sid: `DV${'1'.repeat(32)}`, accountSid: account.sid, createdAt: 0 } as unknown as DeviceRecord;
  await store.put('device', device);
  const clock = new VirtualClock();
  clock.hold(); // no delivery: only the numbering is looked at
  const node = (id: string) => new CommandService({ store, clock, wake: async () => undefined, node: id });
  const [a, b] = [node('node-a'), node('node-b')];
  const made = await Promise.all(
    [a, b, a, b].map((service) => service.submit(account, device.sid, { action: 'ring', params: {} })),
  );
  expect(made.map((record) => record.seq).sort()).toEqual([1, 2, 3, 4]);
});
