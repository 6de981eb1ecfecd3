/**
 * Carrying out commands on a device (docs/commands.md): handlers registered by action name run
 * each command once, in number order, and its result goes back until Patchbay acknowledges it.
 * Commands arrive over the device's channel (`device.commands(...)`), in a Web Push payload the
 * app hands over (`fromPush`), or by SMS (`fromSms`, or `listen` on the app's `SmsPort`); the
 * forms of push and SMS are checked with the device's secret first (91230 otherwise: dropped).
 *
 * Ordering: a number at or below the highest processed is a duplicate (dropped; its result, if
 * not yet acknowledged, is sent again); the next one runs; later ones are held, and after
 * `gapWaitMs` the missing ones are fetched from Patchbay (`GET /patchbay/v1/DeviceCommands`).
 *
 * @example
 * const commands = device.commands({ credential: registered.credential });
 * commands.handle('ring', async ({ seconds }) => ({ rang: seconds }));
 */
import { EventEmitter } from 'eventemitter3';
import { type DeviceClock, systemClock } from '../device/clock.js';
import { DeviceError } from '../protocol/errors.js';
import type { SmsPort } from '../registration/sms-port.js';
import { readForm } from './form.js';
import { type CommandResult, ResultSender } from './results.js';

export interface ReceivedCommand {
  /** Its SID, when it came over the channel or HTTPS (a form names commands by number only). */
  readonly sid?: string;
  readonly number: number;
  readonly action: string;
  readonly params: Readonly<Record<string, string>>;
}

export type CommandHandler = (
  params: Readonly<Record<string, string>>,
  command: ReceivedCommand,
) => Promise<Record<string, string> | undefined> | Promise<void> | Record<string, string> | undefined | void;

/** What arrives for a number: a command, a settled number to skip, or a marker to fetch it. */
export type Arrival =
  | ReceivedCommand
  | { readonly number: number; readonly skip: true }
  | { readonly number: number; readonly fetch: true };

export interface CommandsEvents {
  /** The channel carries this device's commands (after each new session's `commands-attach`). */
  attached: () => void;
  /** A command is about to run. */
  command: (command: ReceivedCommand) => void;
  /** A result was acknowledged by Patchbay. */
  result: (command: ReceivedCommand, result: CommandResult) => void;
  /** A number at or below the highest processed came again: dropped. */
  duplicate: (number: number) => void;
  /** A form, or this device's credential, did not authenticate (91230); or something else failed. */
  error: (error: DeviceError) => void;
}

export interface DeviceCommandsOptions {
  /** The Patchbay URL. */
  readonly server: string;
  /** The device credential issued at registration, `<device SID>:<secret>`. */
  readonly credential: string;
  /** The highest number processed before (keep it across restarts of the app). @default 0 */
  readonly after?: number;
  /** How long a gap may stay open before the missing numbers are fetched (ms). @default 2000 */
  readonly gapWaitMs?: number;
  /** The first wait before sending a result again (ms); it doubles, up to 60 s. @default 1000 */
  readonly retryMs?: number;
  readonly clock?: DeviceClock;
  readonly fetch?: typeof fetch;
}

/** The channel, as the Device lends it. */
export interface CommandLink {
  request(type: 'commands-attach', body: { device: string; secret: string; after: number }): Promise<unknown>;
  request(
    type: 'command-result',
    body: { device: string; command: string; ok: boolean; result?: Record<string, string>; error?: string },
  ): Promise<unknown>;
}

interface DeviceCommand {
  readonly sid: string;
  readonly sequence: number;
  readonly status: string;
  readonly action?: string;
  readonly params?: Record<string, string>;
}

export class DeviceCommands extends EventEmitter<CommandsEvents> {
  readonly deviceSid: string;
  readonly #secret: string;
  readonly #server: string;
  readonly #clock: DeviceClock;
  readonly #fetch: typeof fetch;
  readonly #handlers = new Map<string, CommandHandler>();
  readonly #held = new Map<number, Arrival>();
  readonly #results: ResultSender;
  #highest: number;
  #running: Promise<void> = Promise.resolve();
  #cancelGap: (() => void) | undefined;
  #fetching: Promise<void> | undefined;
  #link: CommandLink | undefined;
  #closed = false;

  constructor(private readonly options: DeviceCommandsOptions) {
    super();
    const [sid = '', secret = ''] = options.credential.split(/:(.*)/s);
    if (!/^DV[0-9a-f]{32}$/.test(sid) || !secret) throw new TypeError('options.credential: <device SID>:<secret>');
    this.deviceSid = sid;
    this.#secret = secret;
    this.#server = options.server.replace(/\/$/, '');
    this.#clock = options.clock ?? systemClock;
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.#highest = options.after ?? 0;
    this.#results = new ResultSender({
      deviceSid: sid,
      clock: this.#clock,
      retryMs: options.retryMs ?? 1000,
      channel: () => this.#link,
      post: (path, body) => this.#call('POST', path, body),
      acknowledged: (command, result) => this.emit('result', command, result),
      refused: (error) => this.emit('error', error),
    });
  }

  /** The highest number processed: persist it, and pass it back as `after`. */
  get highest(): number {
    return this.#highest;
  }

  /** Runs `handler` for commands named `action` (its return value is the result; a throw fails it). */
  handle(action: string, handler: CommandHandler): this {
    this.#handlers.set(action, handler);
    return this;
  }

  /** The device's channel connected (a new session): commands come over it from now on. */
  attach(link: CommandLink): Promise<void> {
    this.#link = link;
    return link
      .request('commands-attach', { device: this.deviceSid, secret: this.#secret, after: this.#highest })
      .then(() => void this.emit('attached'))
      .catch((error: DeviceError) => {
        if (this.#link === link) this.#link = undefined;
        this.emit('error', error);
      });
  }

  detach(): void {
    this.#link = undefined;
  }

  /** Something arrived for a number (the channel, a form, a fetch). */
  receive(arrival: Arrival): void {
    if (this.#closed) return;
    if (arrival.number <= this.#highest) {
      this.emit('duplicate', arrival.number);
      this.#results.again(arrival.number);
      return;
    }
    const before = this.#held.get(arrival.number);
    // A command replaces a marker for its number; nothing else replaces what is held.
    if (!before || ('fetch' in before && !('fetch' in arrival))) this.#held.set(arrival.number, arrival);
    this.#drain();
  }

  #drain(): void {
    for (let next = this.#held.get(this.#highest + 1); next; next = this.#held.get(this.#highest + 1)) {
      if ('fetch' in next) {
        void this.fetchMissing();
        break;
      }
      this.#held.delete(next.number);
      this.#highest = next.number;
      if ('action' in next) this.#run(next);
    }
    if (this.#held.size === 0) {
      this.#cancelGap?.();
      this.#cancelGap = undefined;
    } else if (!this.#cancelGap) {
      this.#cancelGap = this.#clock.setTimeout(() => {
        this.#cancelGap = undefined;
        void this.fetchMissing();
      }, this.options.gapWaitMs ?? 2000);
    }
  }

  #run(command: ReceivedCommand): void {
    this.#running = this.#running.then(async () => {
      this.emit('command', command);
      const handler = this.#handlers.get(command.action);
      let result: CommandResult;
      if (!handler) result = { ok: false, error: `no handler for action ${command.action}` };
      else
        try {
          result = { ok: true, result: (await handler(command.params, command)) ?? {} };
        } catch (error) {
          result = { ok: false, error: (error instanceof Error ? error.message : String(error)).slice(0, 512) };
        }
      this.#results.send(command, result);
    });
  }

  /** Fetches what came after the highest number processed (gaps, `@` markers) over HTTPS. */
  fetchMissing(): Promise<void> {
    this.#fetching ??= (async () => {
      try {
        const body = (await this.#call('GET', `DeviceCommands?After=${this.#highest}`)) as {
          commands?: DeviceCommand[];
        };
        for (const command of body.commands ?? []) {
          const number = command.sequence;
          // Settled meanwhile (canceled, expired, or its result recorded): skipped.
          if (command.status !== 'pending' && command.status !== 'delivered') this.receive({ number, skip: true });
          else this.receive({ sid: command.sid, number, action: command.action ?? '', params: command.params ?? {} });
        }
      } catch (error) {
        this.emit('error', error instanceof DeviceError ? error : new DeviceError('ConnectionError', String(error)));
      } finally {
        this.#fetching = undefined;
      }
    })();
    return this.#fetching;
  }

  /** A Web Push payload the app received (its text, or the parsed JSON). */
  async fromPush(payload: string | { readonly data?: { readonly commands?: string } }): Promise<void> {
    const parsed = typeof payload === 'string' ? (JSON.parse(payload) as { data?: { commands?: string } }) : payload;
    const form = parsed.data?.commands;
    if (form) await this.fromSms(form);
  }

  /** An SMS (or push) form: checked with the device's secret, then each item received in order. */
  async fromSms(text: string): Promise<void> {
    const read = await readForm(this.#secret, text);
    if (read.ok === false) {
      if (read.reason === 'not-a-command-form') return;
      this.emit(
        'error',
        new DeviceError(
          'CommandAuthenticationFailed',
          `authentication failure: the form ${read.reason === 'malformed' ? 'is malformed' : 'does not verify'}; dropped`,
        ),
      );
      return;
    }
    read.items.forEach((item, index) => {
      const number = read.first + index;
      this.receive('action' in item ? { number, action: item.action, params: item.params } : { number, ...item });
    });
  }

  /** Reads command texts from `from` (the account's registration number) as they arrive; returns the stop. */
  listen(sms: SmsPort, from: string): () => void {
    const stop = new AbortController();
    const loop = async () => {
      while (!stop.signal.aborted) {
        const text = await sms
          .next((t) => t.from === from && t.body.startsWith('PBC1 '), stop.signal)
          .catch(() => undefined);
        if (text) await this.fromSms(text.body);
      }
    };
    void loop();
    return () => stop.abort();
  }

  /** Resolves once every command received so far has run and its result is acknowledged. */
  async settled(): Promise<void> {
    await this.#running;
    await this.#results.settled();
  }

  close(): void {
    this.#closed = true;
    this.#cancelGap?.();
    this.#results.close();
    this.removeAllListeners();
  }

  async #call(method: 'GET' | 'POST', path: string, body?: URLSearchParams): Promise<unknown> {
    const response = await this.#fetch(`${this.#server}/patchbay/v1/${path}`, {
      method,
      headers: {
        authorization: `Basic ${btoa(`${this.deviceSid}:${this.#secret}`)}`,
        ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(body ? { body } : {}),
    });
    const json = (await response.json()) as { code?: number; message?: string };
    if (response.status === 401)
      throw new DeviceError('CommandAuthenticationFailed', String(json.message ?? 'authentication failure'));
    if (response.status === 404) throw new DeviceError('NotFound', String(json.message ?? 'not found'));
    if (!response.ok)
      throw new DeviceError('GeneralError', `${response.status} ${json.code ?? ''}: ${json.message ?? ''}`);
    return json;
  }
}
