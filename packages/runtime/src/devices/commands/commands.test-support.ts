/**
 * For command tests: a devices harness with a registered phone device (its credential), REST
 * helpers for its commands, and a manual device clock for the SDK's gap timer.
 */
import type { Device, DeviceClock, RegisteredDevice } from '@patchbay/sdk';
import { roomsRequest } from '../../api/rooms.test-support.js';
import { next } from '../../bridge/devices.test-support.js';
import { ANN, type DevicesHarness, REGISTRATION_NUMBER } from '../harness.test-support.js';
import type { SimulatedPhone } from '../phones.test-support.js';

export interface Registered {
  readonly registered: RegisteredDevice;
  readonly phone: SimulatedPhone;
  /** POST a command; the answer's JSON. */
  post(form: Record<string, string>): Promise<{ status: number; json: Record<string, unknown> }>;
  get(sid: string): Promise<Record<string, unknown>>;
  /** Polls the command until its status is `status`. */
  until(sid: string, status: string): Promise<Record<string, unknown>>;
}

export async function registerAnn(
  harness: DevicesHarness,
  options: Parameters<DevicesHarness['registration']>[2] = {},
): Promise<Registered> {
  const phone = harness.phone(ANN);
  const registered = await harness.registration('ann', 'ann-phone', options).bySms(phone, REGISTRATION_NUMBER);
  const path = `Devices/${registered.sid}/Commands`;
  const get = async (sid: string) =>
    (await roomsRequest(harness, 'GET', `${path}/${sid}`)).json as Record<string, unknown>;
  return {
    registered,
    phone,
    post: (form) =>
      roomsRequest(harness, 'POST', path, form) as Promise<{ status: number; json: Record<string, unknown> }>,
    get,
    async until(sid, status) {
      for (let i = 0; i < 400; i++) {
        const command = await get(sid);
        if (command.status === status) return command;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      throw new Error(`${sid} never became ${status}: ${JSON.stringify(await get(sid))}`);
    },
  };
}

/**
 * `device` carries the registered device's commands and runs `ring` (answering the seconds it
 * was given): the channel once attached, and the seconds of each ring run, in order.
 */
export async function ringingCommands(device: Device, ann: Registered) {
  const commands = device.commands({ credential: ann.registered.credential });
  await next(commands, 'attached');
  const ran: string[] = [];
  commands.handle('ring', (params) => {
    ran.push(params.seconds ?? '');
    return { rang: params.seconds ?? '' };
  });
  return { commands, ran };
}

/** A device clock moved by hand. */
export class ManualClock implements DeviceClock {
  #now = 0;
  #timers: { at: number; fn: () => void }[] = [];
  now(): number {
    return this.#now;
  }
  setTimeout(fn: () => void, ms: number): () => void {
    const timer = { at: this.#now + ms, fn };
    this.#timers.push(timer);
    return () => {
      this.#timers = this.#timers.filter((t) => t !== timer);
    };
  }
  advance(ms: number): void {
    this.#now += ms;
    const due = this.#timers.filter((t) => t.at <= this.#now);
    this.#timers = this.#timers.filter((t) => t.at > this.#now);
    for (const timer of due) timer.fn();
  }
}
