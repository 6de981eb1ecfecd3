/**
 * What can go wrong in a `patchbay` command, each with a stable code and the exit code it ends
 * with: 2 when the command line itself is wrong (the same line will fail again), 1 when the
 * command was right but failed (server unreachable, refused, not found). A new code without an
 * exit code fails to compile.
 *
 * Users see one line, `patchbay: <what went wrong> (<code>): <what to do>`; the stack only with
 * `--debug` or PATCHBAY_DEBUG=1.
 */

import { StartupError } from '../startup-error.js';

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

const CODES = {
  'missing-command': EXIT.usage,
  'unknown-command': EXIT.usage,
  'unknown-flag': EXIT.usage,
  'missing-value': EXIT.usage,
  'invalid-value': EXIT.usage,
  'missing-flag': EXIT.usage,
  'conflicting-flags': EXIT.usage,
  'missing-argument': EXIT.usage,
  'unexpected-argument': EXIT.usage,
  'missing-credentials': EXIT.usage,
  /** The server could not be reached (refused, unknown host, timed out). */
  unreachable: EXIT.failed,
  /** Something answered, but not the Patchbay REST API. */
  'not-patchbay': EXIT.failed,
  /** The REST API refused the request (its own code is in `restCode`). */
  'rest-error': EXIT.failed,
  /** Something the command needs does not exist (a number, a call). */
  'not-found': EXIT.failed,
  /** Credentials the command was asked to use were refused. */
  'verification-failed': EXIT.failed,
  /** The command was stopped (Ctrl-C) before it finished. */
  interrupted: EXIT.failed,
  /** What the command waited for did not happen within its --timeout. */
  'timed-out': EXIT.failed,
  failed: EXIT.failed,
  /** A bug: anything not foreseen. */
  internal: EXIT.failed,
} as const satisfies Record<string, ExitCode>;

export type CliErrorCode = keyof typeof CODES;

export class CliError extends Error {
  override readonly name = 'CliError';
  readonly exitCode: ExitCode;
  /** What to do about it, shown after the message. */
  readonly hint: string | undefined;
  /** What the parenthesis shows instead of the code (a REST error's number, a network reason). */
  readonly label: string;

  constructor(
    readonly code: CliErrorCode,
    message: string,
    options: { hint?: string | undefined; label?: string; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.exitCode = CODES[code];
    this.hint = options.hint;
    this.label = options.label ?? code;
  }
}

/** A refusal from the REST API, with its HTTP status and numeric code. */
export class RestRefusal extends CliError {
  constructor(
    readonly status: number,
    readonly restCode: number,
    message: string,
    hint?: string,
  ) {
    super('rest-error', message, { hint, label: `${restCode}, HTTP ${status}` });
  }
}

/** The line a user sees for `error`. */
export function describeError(error: unknown): string {
  if (error instanceof CliError) {
    return `patchbay: ${error.message} (${error.label})${error.hint ? `: ${error.hint}` : ''}`;
  }
  // The server (or an operator command) could not start on its data directory or port.
  if (error instanceof StartupError) return `patchbay: ${error.message} (${error.code}): ${error.hint}`;
  const message = error instanceof Error ? error.message : String(error);
  return `patchbay: ${message} (internal): this is a bug; run again with --debug to see where, and report it`;
}

/** The exit code for `error`. */
export function exitCodeOf(error: unknown): ExitCode {
  return error instanceof CliError ? error.exitCode : EXIT.failed;
}

/** Usage mistakes point at the command's own help. */
export function usage(code: CliErrorCode, message: string, command?: string, hint?: string): CliError {
  const help = `see \`patchbay ${command ? `${command} ` : ''}--help\``;
  return new CliError(code, message, { hint: hint ? `${hint} (${help})` : help });
}
