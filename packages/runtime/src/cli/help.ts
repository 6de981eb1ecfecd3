/**
 * Help text, generated from the command table: the global help lists every command with its
 * one-line summary; a command's help shows its usage, arguments, flags and examples.
 */
import type { Command } from './command.js';
import { CLIENT_FLAGS, COMMON_FLAGS, type Flags } from './flags.js';

const COLUMN = 30;

function row(left: string, right: string, column = COLUMN): string {
  return left.length + 2 > column
    ? `${left}\n${' '.repeat(column)}${right}`
    : `${left.padEnd(column)}${right}`.trimEnd();
}

/** One line per command. */
const commandRows = (commands: ReadonlyArray<readonly [string, Command]>) =>
  commands.map(([name, command]) => row(`  ${name}`, command.summary, 23));

function flagRows(flags: Flags): string[] {
  return Object.entries(flags).map(([name, flag]) => {
    const left = `  ${flag.short ? `-${flag.short}, ` : ''}--${name}${flag.value ? ` ${flag.value}` : ''}`;
    const notes = [
      flag.required ? 'required' : '',
      flag.multiple ? 'repeatable' : '',
      flag.choices ? `one of: ${flag.choices.join(', ')}` : '',
    ].filter(Boolean);
    return row(left, `${flag.description}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`);
  });
}

/** The usage line of a command: `patchbay calls hangup <CallSid> [options]`. */
export function usageLine(name: string, command: Command): string {
  const args = (command.args ?? []).map((arg) => (arg.optional ? `[<${arg.name}>]` : `<${arg.name}>`));
  const required = Object.entries(command.flags)
    .filter(([, flag]) => flag.required)
    .map(([flagName, flag]) => `--${flagName} ${flag.value ?? ''}`.trim());
  return ['patchbay', name, ...args, ...required, '[options]'].join(' ');
}

export function commandHelp(name: string, command: Command): string {
  const sections = [
    `Usage: ${usageLine(name, command)}`,
    `${command.summary[0]?.toUpperCase()}${command.summary.slice(1)}.`,
  ];
  if (command.description) sections.push(command.description);
  if (command.args && command.args.length > 0)
    sections.push(['Arguments:', ...command.args.map((arg) => row(`  <${arg.name}>`, arg.description))].join('\n'));
  if (Object.keys(command.flags).length > 0) sections.push(['Options:', ...flagRows(command.flags)].join('\n'));
  if (command.client) sections.push(['Server and account:', ...flagRows(CLIENT_FLAGS)].join('\n'));
  sections.push(['General:', ...flagRows(COMMON_FLAGS)].join('\n'));
  if (command.examples && command.examples.length > 0)
    sections.push(['Examples:', ...command.examples.map((example) => `  ${example}`)].join('\n'));
  return sections.join('\n\n');
}

/** The commands of a group (`patchbay calls`), one line each. */
export function groupHelp(group: string, commands: ReadonlyArray<readonly [string, Command]>): string {
  return [
    `Usage: patchbay ${group} <command> [options]`,
    ['Commands:', ...commandRows(commands)].join('\n'),
    `Run \`patchbay ${group} <command> --help\` for its arguments and options.`,
  ].join('\n\n');
}

export const ENVIRONMENT = [
  row('  PATCHBAY_URL', 'the server (default http://127.0.0.1:3000)'),
  row('  PATCHBAY_ACCOUNT_SID', 'the account SID'),
  row('  PATCHBAY_AUTH_TOKEN', "the account's auth token"),
  row('  PATCHBAY_API_KEY', 'API key SID for `patchbay token` (SK...)'),
  row('  PATCHBAY_API_SECRET', "that key's secret"),
  row('  PATCHBAY_BUS', 'serve: join a cluster on this Redis (redis://host:port)'),
  row('  PATCHBAY_DEBUG=1', 'on failure, show the stack trace too'),
].join('\n');

export const EXIT_CODES = [
  row('  0', 'done', 6),
  row('  1', 'failed: server unreachable, request refused, not found', 6),
  row('  2', 'usage: unknown command or flag, missing or invalid value', 6),
].join('\n');

export function globalHelp(commands: ReadonlyArray<readonly [string, Command]>): string {
  return [
    'patchbay: an open, self-hostable programmable-voice server',
    'Usage: patchbay <command> [arguments] [options]',
    [
      'Start:',
      '  patchbay serve             run the server; it prints the account SID (and, the first time, its auth token)',
      '  export PATCHBAY_URL=http://127.0.0.1:3000 PATCHBAY_ACCOUNT_SID=AC... PATCHBAY_AUTH_TOKEN=...',
      '  patchbay numbers create --number +15551230000 --voice-url http://127.0.0.1:4000/voice',
      '  patchbay calls tail        watch calls as they happen',
    ].join('\n'),
    ['Commands:', ...commandRows(commands)].join('\n'),
    'Run `patchbay <command> --help` (or `patchbay help <command>`) for its arguments and options.',
    `Environment (flags win over it):\n${ENVIRONMENT}`,
    `Exit codes:\n${EXIT_CODES}`,
  ].join('\n\n');
}
