/**
 * Flags: how a command declares them (with their help text and checks, so a flag is documented
 * and validated where it is declared) and the parser that reads them. The parser is ours rather
 * than `util.parseArgs` because every mistake must say what was wrong and suggest the nearest
 * valid flag, and a value such as `--to --from` must not be swallowed as a value.
 */
import { usage } from './errors.js';
import { closest } from './suggest.js';

export interface Flag {
  /** The value's placeholder in help (`<url>`); a flag without one is a switch. */
  readonly value?: string;
  readonly description: string;
  /** Given more than once, its values are a list. */
  readonly multiple?: boolean;
  readonly short?: string;
  readonly required?: boolean;
  /** The only values allowed (listed in help, checked before anything is sent). */
  readonly choices?: readonly string[];
  /** Checks a value; returns what is wrong with it, or undefined. */
  readonly check?: (value: string) => string | undefined;
}

export type Flags = Readonly<Record<string, Flag>>;

type FlagValue<F extends Flag> = F extends { multiple: true }
  ? string[]
  : F extends { value: string }
    ? string
    : boolean;

/** The parsed values of a set of flags, typed from their declarations. */
export type Values<T extends Flags> = { readonly [K in keyof T]?: FlagValue<T[K]> };

/** Flags every command takes. */
export const COMMON_FLAGS = {
  help: { short: 'h', description: 'show this help' },
  debug: { description: 'on failure, show the stack trace too (or set PATCHBAY_DEBUG=1)' },
} as const satisfies Flags;

/** Flags of every command that talks to a server. */
export const CLIENT_FLAGS = {
  server: { value: '<url>', description: 'the server (default $PATCHBAY_URL, else http://127.0.0.1:3000)' },
  account: { value: '<AC...>', description: 'the account SID (default $PATCHBAY_ACCOUNT_SID)' },
  token: { value: '<token>', description: "the account's auth token (default $PATCHBAY_AUTH_TOKEN)" },
} as const satisfies Flags;

/** An http(s) URL with its scheme. */
export function checkUrl(value: string): string | undefined {
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return undefined;
  } catch {
    // reported below
  }
  return /^[\w.-]+(:\d+)?(\/|$)/.test(value)
    ? `"${value}" has no scheme: write it as http://${value}`
    : `"${value}" is not an http(s) URL`;
}

/** A whole number within bounds. */
export function checkInteger(min: number, max: number): (value: string) => string | undefined {
  return (value) => {
    const n = Number(value);
    return /^-?\d+$/.test(value) && n >= min && n <= max ? undefined : `must be a whole number from ${min} to ${max}`;
  };
}

/** A SID with its two-letter prefix (`CA`, `PN`, ...). */
export function checkSid(prefix: string, what: string): (value: string) => string | undefined {
  const pattern = new RegExp(`^${prefix}[0-9a-f]{32}$`);
  return (value) => (pattern.test(value) ? undefined : `"${value}" is not ${what} SID (${prefix} and 32 hex digits)`);
}

export interface Parsed {
  readonly values: Record<string, string | string[] | boolean>;
  readonly positionals: string[];
}

function checkValue(name: string, flag: Flag, value: string, command: string): void {
  if (flag.choices && !flag.choices.includes(value)) {
    const near = closest(value, flag.choices);
    throw usage(
      'invalid-value',
      `--${name} "${value}" is not one of ${flag.choices.join(', ')}`,
      command,
      near ? `did you mean "${near}"?` : undefined,
    );
  }
  const problem = flag.check?.(value);
  if (problem) throw usage('invalid-value', `--${name}: ${problem}`, command);
}

/** Reads `args` against `flags`; `command` names the command in error messages. */
export function parseFlags(args: readonly string[], flags: Flags, command: string): Parsed {
  const values: Record<string, string | string[] | boolean> = {};
  const positionals: string[] = [];
  const byShort = new Map(
    Object.entries(flags).flatMap(([name, flag]) => (flag.short ? [[flag.short, name] as const] : [])),
  );
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-' || /^-\d/.test(arg)) {
      positionals.push(arg);
      continue;
    }
    const equals = arg.indexOf('=');
    const raw = equals < 0 ? arg : arg.slice(0, equals);
    const name = raw.startsWith('--') ? raw.slice(2) : byShort.get(raw.slice(1));
    const flag = name === undefined ? undefined : flags[name];
    if (name === undefined || flag === undefined) {
      const near = closest(raw.replace(/^-+/, ''), Object.keys(flags));
      throw usage(
        'unknown-flag',
        `unknown flag ${raw}${command ? ` for \`patchbay ${command}\`` : ''}`,
        command,
        near ? `did you mean --${near}?` : undefined,
      );
    }
    if (flag.value === undefined) {
      if (equals >= 0) throw usage('invalid-value', `--${name} is a switch and takes no value`, command);
      values[name] = true;
      continue;
    }
    let value: string;
    if (equals >= 0) value = arg.slice(equals + 1);
    else {
      const next = args[i + 1];
      if (next === undefined || (next.startsWith('--') && next.length > 2))
        throw usage('missing-value', `--${name} needs a value: --${name} ${flag.value}`, command);
      value = next;
      i++;
    }
    checkValue(name, flag, value, command);
    if (flag.multiple) values[name] = [...((values[name] as string[] | undefined) ?? []), value];
    else if (values[name] !== undefined)
      throw usage('invalid-value', `--${name} is given twice (it takes one value)`, command);
    else values[name] = value;
  }
  return { values, positionals };
}

/** Throws for the first required flag that is missing (after the help flag has had its chance). */
export function checkRequired(values: Parsed['values'], flags: Flags, command: string): void {
  for (const [name, flag] of Object.entries(flags)) {
    if (flag.required && values[name] === undefined)
      throw usage('missing-flag', `\`patchbay ${command}\` needs --${name} ${flag.value ?? ''}`.trim(), command);
  }
}
