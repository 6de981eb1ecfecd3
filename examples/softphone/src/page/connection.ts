/**
 * Whether the device's connection is up, for the registration pill. The SDK's Device reconnects
 * by itself and tells calls (`reconnecting`), but an idle device stays `registered` while its
 * connection is down, with no event; so once the device has registered (connected, then), the
 * page reads `device.transportKind` (unset while no transport is connected) a few times a second
 * and reports each change.
 *
 * @example
 * await device.register();
 * watchConnection(device, (up) => view.registration(up ? 'registered' : 'reconnecting'));
 */
import type { Device } from '@patchbay/sdk/client';

export function watchConnection(device: Device, changed: (up: boolean) => void): () => void {
  let up = true;
  const interval = setInterval(() => {
    if (device.state === 'destroyed') {
      clearInterval(interval);
      return;
    }
    const now = device.transportKind !== undefined;
    if (now === up) return;
    up = now;
    changed(now);
  }, 250);
  return () => clearInterval(interval);
}
