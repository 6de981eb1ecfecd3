/**
 * What a `patchbay` command is: its one-line summary, its arguments and flags (each with its help
 * text), and its handler. Each command lives in its own module under `commands/` and is listed
 * once in `commands/index.ts`; help, parsing and validation all come from this declaration.
 *
 * @example
 * export const callsGet = command({
 *   summary: 'show one call',
 *   args: [{ name: 'CallSid', description: 'the call', check: checkSid('CA', 'a call') }],
 *   flags: {},
 *   client: true,
 *   async run({ args, connection, io }) { ... },
 * });
 */
import type { Connection, Env } from './client.js';
import type { ExitCode } from './errors.js';
import type { Flags, Values } from './flags.js';

/** Where a command writes: results to `out` (stdout), progress and warnings to `err` (stderr). */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

export interface Argument {
  readonly name: string;
  readonly description: string;
  readonly optional?: boolean;
  /** Checks the value; returns what is wrong with it, or undefined. */
  readonly check?: (value: string) => string | undefined;
}

export interface CommandContext<F extends Flags> {
  readonly flags: Values<F>;
  /** The positional arguments, checked against the command's `args`. */
  readonly args: readonly string[];
  readonly io: Io;
  readonly env: Env;
  /** Aborted on Ctrl-C (SIGINT) or SIGTERM. */
  readonly signal: AbortSignal;
  /** The server and account from the client flags or the environment (client commands only). */
  connection(): Connection;
  /** `--server` or PATCHBAY_URL, checked (client commands only). */
  server(): string;
  /** `--account` or PATCHBAY_ACCOUNT_SID, checked (client commands only). */
  account(): string;
  /** `--token` or PATCHBAY_AUTH_TOKEN, if given (client commands only). */
  authToken(): string | undefined;
}

export interface CommandSpec<F extends Flags> {
  /** One line, for the list of commands. */
  readonly summary: string;
  /** More, for the command's own help. */
  readonly description?: string;
  readonly args?: readonly Argument[];
  readonly flags: F;
  /** Talks to a running server, so takes --server, --account and --token. */
  readonly client: boolean;
  readonly examples?: readonly string[];
  /** Resolves with the exit code (0 when nothing is returned). */
  run(context: CommandContext<F>): Promise<ExitCode | undefined>;
}

/** A command with its flag types erased, as the table holds it. */
export type Command = CommandSpec<Flags>;

/** Declares a command; its handler sees its flags typed from their declarations. */
export function command<const F extends Flags>(spec: CommandSpec<F>): Command {
  return spec as unknown as Command;
}
