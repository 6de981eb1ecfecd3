/**
 * The shared suite every `Notifier` runs (STYLE: one conformance suite per driver interface): it
 * reaches exactly the devices it has a way to, delivers the wake-up's reason (and what it carries
 * of its data), and reports a device it cannot reach as a failed result, never a throw.
 *
 * @example
 * runNotifierConformance('web-push', async () => ({ notifier, reachable, unreachable, delivered, close }));
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Notifier, WakePayload } from './notifier.js';
import type { DeviceRecord } from './records.js';

export interface NotifierFixture {
  readonly notifier: Notifier;
  /** A device this notifier can reach. */
  readonly reachable: DeviceRecord;
  /** A device it cannot (no address, no session). */
  readonly unreachable: DeviceRecord;
  /** The next wake-up the reachable device got, as it reads it (its text, for SMS). */
  delivered(): Promise<string>;
  close(): Promise<void>;
}

export function runNotifierConformance(name: string, setup: () => Promise<NotifierFixture>): void {
  describe(`notifier conformance: ${name}`, () => {
    const fixtures: NotifierFixture[] = [];
    const start = async () => {
      const fixture = await setup();
      fixtures.push(fixture);
      return fixture;
    };
    afterEach(async () => {
      for (const fixture of fixtures.splice(0)) await fixture.close();
    });

    it('reaches exactly the devices it has a way to', async () => {
      const { notifier, reachable, unreachable } = await start();
      expect(notifier.reaches(reachable)).toBe(true);
      expect(notifier.reaches(unreachable)).toBe(false);
    });

    it('delivers the reason of the wake-up', async () => {
      const { notifier, reachable, delivered } = await start();
      const payload: WakePayload = { reason: 'conformance-ping', data: { n: '1' } };
      const arrived = delivered();
      expect(await notifier.wake(reachable, payload)).toEqual({ ok: true });
      expect(await arrived).toContain('conformance-ping');
    });

    it('answers a device it cannot reach with a failed result, not a throw', async () => {
      const { notifier, unreachable } = await start();
      const result = await notifier.wake(unreachable, { reason: 'x' });
      expect(result.ok).toBe(false);
      expect(result.ok ? '' : result.error).not.toBe('');
    });
  });
}
