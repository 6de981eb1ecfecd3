/**
 * The `patchbay` command: finds the command in the table (`commands/index.ts`), reads its flags
 * and arguments, runs it, and turns whatever went wrong into one line and an exit code
 * (0 done, 1 failed, 2 usage).
 *
 * @example
 * process.exitCode = await main(process.argv.slice(2));
 */
import { createRequire } from 'node:module';
import { accountSid, connect, type Env, serverUrl } from './client.js';
import type { Command, Io } from './command.js';
import { COMMANDS } from './commands/index.js';
import { describeError, EXIT, type ExitCode, exitCodeOf, usage } from './errors.js';
import { CLIENT_FLAGS, COMMON_FLAGS, checkRequired, type Flags, parseFlags, type Values } from './flags.js';
import { commandHelp, globalHelp, groupHelp } from './help.js';
import { closest } from './suggest.js';

export interface MainOptions extends Partial<Io> {
  /** Environment variables. @default process.env */
  readonly env?: Env;
  /** Aborts a running command (bin.ts wires it to SIGINT and SIGTERM). */
  readonly signal?: AbortSignal;
}

const TABLE: ReadonlyArray<readonly [string, Command]> = Object.entries(COMMANDS);
const BY_NAME = new Map<string, Command>(TABLE);
/** Flags that may come before the command's words (`patchbay --server URL calls list`). */
const LEADING_WITH_VALUE = new Set(Object.keys(CLIENT_FLAGS).map((name) => `--${name}`));
const LEADING_SWITCHES = new Set(['--help', '-h', '--debug', '--version']);

function version(): string {
  // dist/cli/bin.js and src/cli/main.ts are both two levels below the package.
  return (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
}

/** The command's words (`calls list`), where they are in argv, and the rest of argv. */
function commandWords(argv: readonly string[]): { words: string[]; rest: string[] } {
  const words: string[] = [];
  const rest: string[] = [];
  let i = 0;
  for (; i < argv.length && words.length < 2; i++) {
    const arg = argv[i] as string;
    if (LEADING_WITH_VALUE.has(arg)) {
      rest.push(arg, ...argv.slice(i + 1, i + 2));
      i++;
    } else if (LEADING_SWITCHES.has(arg) || LEADING_WITH_VALUE.has(arg.split('=')[0] as string)) rest.push(arg);
    else if (arg.startsWith('-')) break;
    else words.push(arg);
  }
  return { words, rest: [...rest, ...argv.slice(i)] };
}

type Found =
  | { readonly kind: 'command'; readonly name: string; readonly command: Command; readonly rest: string[] }
  | { readonly kind: 'group'; readonly group: string; readonly rest: string[] }
  | { readonly kind: 'none'; readonly rest: string[] };

function find(argv: readonly string[]): Found {
  const { words, rest } = commandWords(argv);
  const [first, second] = words;
  if (first === undefined) return { kind: 'none', rest };
  const two = BY_NAME.get(`${first} ${second}`);
  if (second !== undefined && two) return { kind: 'command', name: `${first} ${second}`, command: two, rest };
  const one = BY_NAME.get(first);
  if (one) return { kind: 'command', name: first, command: one, rest: second === undefined ? rest : [second, ...rest] };
  const actions = TABLE.filter(([name]) => name.startsWith(`${first} `));
  if (actions.length === 0) {
    const near = closest(`${first}${second ? ` ${second}` : ''}`, BY_NAME.keys()) ?? closest(first, BY_NAME.keys());
    throw usage(
      'unknown-command',
      `unknown command "${first}"`,
      undefined,
      near ? `did you mean \`patchbay ${near}\`?` : undefined,
    );
  }
  if (second === undefined) return { kind: 'group', group: first, rest };
  const near = closest(
    second,
    actions.map(([name]) => name.slice(first.length + 1)),
  );
  throw usage(
    'unknown-command',
    `unknown command "${first} ${second}"`,
    first,
    near ? `did you mean \`patchbay ${first} ${near}\`?` : undefined,
  );
}

async function dispatch(argv: readonly string[], io: Io, env: Env, signal: AbortSignal): Promise<ExitCode> {
  if (argv[0] === 'help') {
    if (argv.length === 1) {
      io.out(globalHelp(TABLE));
      return EXIT.ok;
    }
    return dispatch([...argv.slice(1), '--help'], io, env, signal);
  }
  const found = find(argv);
  if (found.kind !== 'command') {
    const { values } = parseFlags(found.rest, { ...COMMON_FLAGS, version: { description: 'print the version' } }, '');
    const group = found.kind === 'group' ? found.group : undefined;
    const help = group
      ? groupHelp(
          group,
          TABLE.filter(([name]) => name.startsWith(`${group} `)),
        )
      : globalHelp(TABLE);
    if (values.version && !group) {
      io.out(version());
      return EXIT.ok;
    }
    if (values.help) {
      io.out(help);
      return EXIT.ok;
    }
    // A bare `patchbay` (or `patchbay calls`) is a usage mistake: say what exists, exit 2.
    io.err(help);
    io.err(`\npatchbay: ${group ? `\`patchbay ${group}\` needs a command` : 'no command given'} (missing-command)`);
    return EXIT.usage;
  }
  const { name, command } = found;
  const flags = { ...command.flags, ...(command.client ? CLIENT_FLAGS : {}), ...COMMON_FLAGS };
  const { values, positionals } = parseFlags(found.rest, flags, name);
  if (values.help) {
    io.out(commandHelp(name, command));
    return EXIT.ok;
  }
  checkRequired(values, command.flags, name);
  const args = command.args ?? [];
  if (positionals.length > args.length)
    throw usage('unexpected-argument', `unexpected argument "${positionals[args.length]}"`, name);
  for (const [i, arg] of args.entries()) {
    const value = positionals[i];
    if (value === undefined) {
      if (arg.optional) continue;
      throw usage('missing-argument', `\`patchbay ${name}\` needs <${arg.name}>: ${arg.description}`, name);
    }
    const problem = arg.check?.(value);
    if (problem) throw usage('invalid-value', `<${arg.name}>: ${problem}`, name);
  }
  const given = values as Record<string, string | undefined>;
  const code = await command.run({
    flags: values as Values<Flags>,
    args: positionals,
    io,
    env,
    signal,
    connection: () => connect({ server: given.server, account: given.account, token: given.token }, env),
    server: () => serverUrl(given.server, env),
    account: () => accountSid(given.account, env),
    authToken: () => given.token ?? (env.PATCHBAY_AUTH_TOKEN || undefined),
  });
  return code ?? EXIT.ok;
}

/** Runs the command `argv` names; resolves with its exit code (failures are printed, not thrown). */
export async function main(argv: readonly string[], options: MainOptions = {}): Promise<ExitCode> {
  const io: Io = {
    out: options.out ?? ((text) => process.stdout.write(`${text}\n`)),
    err: options.err ?? ((text) => process.stderr.write(`${text}\n`)),
  };
  const env = options.env ?? process.env;
  const debug = argv.includes('--debug') || env.PATCHBAY_DEBUG === '1';
  try {
    return await dispatch(argv, io, env, options.signal ?? new AbortController().signal);
  } catch (error) {
    io.err(describeError(error));
    // The whole chain: a fetch failure's reason (ECONNREFUSED ...) is two causes down.
    for (let e: unknown = error, depth = 0; debug && e instanceof Error && depth < 5; e = e.cause, depth++)
      io.err(`${depth > 0 ? 'cause: ' : ''}${e.stack ?? e}`);
    return exitCodeOf(error);
  }
}
