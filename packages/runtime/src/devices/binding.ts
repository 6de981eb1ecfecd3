/**
 * Binding a device to what it proved: its record is made (or, for a device registering again,
 * replaced, with a new credential: the old one stops working), within the bounds of the account
 * and of the number or address. One change at a time per account, so two registrations at the
 * same moment cannot both take the last place.
 *
 * @example
 * const { device, credential } = await bindDevice(store, { accountSid, identity, deviceId, binding, wakeUp }, now);
 */
import { RestError } from '../api/http.js';
import { Serial } from '../rooms/serial.js';
import { newSid } from '../sid.js';
import type { Store } from '../store/types.js';
import {
  type Binding,
  bindingText,
  bindingWhere,
  DEVICE_LIMITS,
  type DeviceRecord,
  type WakeUpAddress,
} from './records.js';
import { newSecret } from './signing.js';

const serial = new Serial();

export interface NewBinding {
  readonly accountSid: string;
  readonly identity: string;
  readonly deviceId: string;
  readonly binding: Binding;
  readonly wakeUp?: WakeUpAddress | undefined;
}

/** The credential a device authenticates with: `<device SID>:<secret>`. */
export const credentialOf = (device: DeviceRecord): string => `${device.sid}:${device.secret}`;

async function count(store: Store, accountSid: string, where: Record<string, string>, atMost: number): Promise<number> {
  const { items } = await store.list<DeviceRecord>('device', { accountSid, where, page: 0, pageSize: atMost });
  return items.length;
}

export async function bindDevice(
  store: Store,
  request: NewBinding,
  now: number,
): Promise<{ device: DeviceRecord; credential: string }> {
  return serial.run(request.accountSid, async () => {
    const { accountSid, deviceId } = request;
    const earlier = (
      await store.list<DeviceRecord>('device', { accountSid, where: { deviceId }, page: 0, pageSize: 1 })
    ).items[0];
    const sameBinding = earlier && bindingText(earlier.binding) === bindingText(request.binding);
    if (
      !earlier &&
      (await count(store, accountSid, {}, DEVICE_LIMITS.devicesPerAccount)) >= DEVICE_LIMITS.devicesPerAccount
    )
      throw new RestError(409, 91211, `the account has ${DEVICE_LIMITS.devicesPerAccount} devices, as many as it may`);
    if (!sameBinding) {
      const bound = await count(store, accountSid, bindingWhere(request.binding), DEVICE_LIMITS.devicesPerBinding);
      if (bound >= DEVICE_LIMITS.devicesPerBinding)
        throw new RestError(
          409,
          91211,
          `${bindingText(request.binding)} has ${DEVICE_LIMITS.devicesPerBinding} devices, as many as it may`,
        );
    }
    const device: DeviceRecord = {
      sid: earlier?.sid ?? newSid('DV'),
      accountSid,
      createdAt: earlier?.createdAt ?? now,
      deviceId,
      identity: request.identity,
      binding: request.binding,
      ...bindingWhere(request.binding),
      ...(request.wakeUp ? { wakeUp: request.wakeUp } : {}),
      secret: newSecret(),
      updatedAt: now,
    };
    await store.put('device', device);
    return { device, credential: credentialOf(device) };
  });
}

/** The devices bound to a phone number (or email address) in an account, at most DEVICE_LIMITS.devicesPerBinding. */
export async function devicesOf(store: Store, accountSid: string, binding: Binding): Promise<DeviceRecord[]> {
  const where = bindingWhere(binding);
  return (
    await store.list<DeviceRecord>('device', { accountSid, where, page: 0, pageSize: DEVICE_LIMITS.devicesPerBinding })
  ).items;
}
