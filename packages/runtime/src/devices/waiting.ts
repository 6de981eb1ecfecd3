/**
 * What waits for a device: each wake-up leaves a numbered notice on the device record (the newest
 * DEVICE_LIMITS.notices kept), so a device woken by push or SMS, or one that missed the wake-up
 * altogether, connects and reads what it has not seen (`After=<the last seq it read>`).
 */
import type { Store } from '../store/types.js';
import type { WakePayload } from './notifier.js';
import { DEVICE_LIMITS, type DeviceRecord, type WaitingNotice } from './records.js';

/** Adds a notice: the device as stored after, or undefined when it was deleted meanwhile. */
export async function leaveNotice(
  store: Store,
  device: DeviceRecord,
  payload: WakePayload,
  now: number,
): Promise<DeviceRecord | undefined> {
  return store.update<DeviceRecord>('device', device.accountSid, device.sid, (current) => {
    const seq = (current.noticeSeq ?? 0) + 1;
    const notice: WaitingNotice = {
      seq,
      reason: payload.reason,
      ...(payload.data ? { data: payload.data } : {}),
      at: now,
    };
    return { ...current, noticeSeq: seq, notices: [...(current.notices ?? []), notice].slice(-DEVICE_LIMITS.notices) };
  });
}

export const noticesAfter = (device: DeviceRecord, after: number): readonly WaitingNotice[] =>
  (device.notices ?? []).filter((notice) => notice.seq > after);
