/**
 * A device's results on their way to Patchbay: each is sent (over the channel when the command
 * came with its SID and the channel is attached, else over HTTPS) until it is acknowledged, again
 * after a doubling wait (at most 60 s) when a try fails; a result Patchbay refuses for good (the
 * credential, an unknown command) is dropped and reported. Patchbay records each command's result
 * once, so sending one again is always safe.
 */
import type { DeviceClock } from '../device/clock.js';
import { DeviceError } from '../protocol/errors.js';
import type { CommandLink, ReceivedCommand } from './commands.js';

export type CommandResult =
  | { readonly ok: true; readonly result: Readonly<Record<string, string>> }
  | { readonly ok: false; readonly error: string; readonly result?: Readonly<Record<string, string>> };

interface Pending {
  readonly command: ReceivedCommand;
  readonly result: CommandResult;
  tries: number;
  sending: boolean;
  cancel?: (() => void) | undefined;
}

const MAX_RETRY_MS = 60_000;
/** Refusals retrying cannot fix. */
const FINAL = new Set(['CommandAuthenticationFailed', 'NotFound', 'MalformedRequest']);

export class ResultSender {
  readonly #pending = new Map<number, Pending>();
  #waiters: Array<() => void> = [];
  #closed = false;

  constructor(
    private readonly deps: {
      readonly deviceSid: string;
      readonly clock: DeviceClock;
      readonly retryMs: number;
      channel(): CommandLink | undefined;
      post(path: string, body: URLSearchParams): Promise<unknown>;
      acknowledged(command: ReceivedCommand, result: CommandResult): void;
      refused(error: DeviceError): void;
    },
  ) {}

  send(command: ReceivedCommand, result: CommandResult): void {
    this.#pending.set(command.number, { command, result, tries: 0, sending: false });
    void this.#try(command.number);
  }

  /** Patchbay sent the command again: its result, if still unacknowledged, goes now. */
  again(number: number): void {
    const pending = this.#pending.get(number);
    if (!pending || pending.sending) return;
    pending.cancel?.();
    void this.#try(number);
  }

  async #try(number: number): Promise<void> {
    const pending = this.#pending.get(number);
    if (!pending || this.#closed) return;
    pending.sending = true;
    pending.tries++;
    const { command, result } = pending;
    const values = result.result ?? {};
    try {
      const channel = command.sid ? this.deps.channel() : undefined;
      if (channel && command.sid)
        await channel.request('command-result', {
          device: this.deps.deviceSid,
          command: command.sid,
          ok: result.ok,
          ...(Object.keys(values).length > 0 ? { result: { ...values } } : {}),
          ...(result.ok ? {} : { error: result.error }),
        });
      else {
        const body = new URLSearchParams({ Ok: String(result.ok) });
        for (const [name, value] of Object.entries(values)) body.set(`Result.${name}`, value);
        if (!result.ok) body.set('Error', result.error);
        await this.deps.post(`DeviceCommands/${command.sid ?? command.number}/Result`, body);
      }
      this.#done(number);
      this.deps.acknowledged(command, result);
    } catch (error) {
      pending.sending = false;
      const failure = error instanceof DeviceError ? error : new DeviceError('ConnectionError', String(error));
      if (FINAL.has(failure.name)) {
        this.#done(number);
        this.deps.refused(failure);
        return;
      }
      const wait = Math.min(MAX_RETRY_MS, this.deps.retryMs * 2 ** (pending.tries - 1));
      pending.cancel = this.deps.clock.setTimeout(() => void this.#try(number), wait);
    }
  }

  #done(number: number): void {
    this.#pending.delete(number);
    if (this.#pending.size > 0) return;
    for (const resolve of this.#waiters.splice(0)) resolve();
  }

  /** Resolves once no result waits for its acknowledgement. */
  settled(): Promise<void> {
    if (this.#pending.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  close(): void {
    this.#closed = true;
    for (const pending of this.#pending.values()) pending.cancel?.();
  }
}
