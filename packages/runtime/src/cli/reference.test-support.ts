/** The command reference in docs/cli.md, generated from the command table (one place per flag). */
import type { Command } from './command.js';
import { COMMANDS } from './commands/index.js';
import type { Flag } from './flags.js';
import { usageLine } from './help.js';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function flagNotes(flag: Flag): string {
  const notes = [
    flag.required ? 'required' : '',
    flag.multiple ? 'repeatable' : '',
    flag.choices ? `one of ${flag.choices.map((choice) => `\`${choice}\``).join(', ')}` : '',
  ].filter(Boolean);
  return notes.length > 0 ? ` (${notes.join('; ')})` : '';
}

/** A description as Markdown: its indented lines (a table of steps, say) stay lines, in a block. */
function prose(description: string): string {
  const blocks: string[] = [];
  let text: string[] = [];
  let block: string[] = [];
  const flush = () => {
    if (text.length > 0) blocks.push(text.join(' '));
    if (block.length > 0) blocks.push(['```text', ...block, '```'].join('\n'));
    text = [];
    block = [];
  };
  for (const line of description.split('\n')) {
    const indented = line.startsWith('  ');
    if (indented ? text.length > 0 : block.length > 0) flush();
    (indented ? block : text).push(indented ? line.slice(2) : line);
  }
  flush();
  return blocks.join('\n\n');
}

function section(name: string, command: Command): string {
  const lines = [
    `### \`${usageLine(name, command)}\``,
    '',
    `${command.summary[0]?.toUpperCase()}${command.summary.slice(1)}.`,
  ];
  if (command.description) lines.push('', prose(command.description));
  const rows = [
    ...(command.args ?? []).map((arg) => `| \`${cell(`<${arg.name}>`)}\` | ${cell(arg.description)} |`),
    ...Object.entries(command.flags).map(
      ([flagName, flag]) =>
        `| \`--${flagName}${flag.value ? ` ${flag.value}` : ''}\` | ${cell(flag.description)}${cell(flagNotes(flag))} |`,
    ),
  ];
  if (rows.length > 0) lines.push('', '| Argument or flag | |', '| --- | --- |', ...rows);
  if (command.examples && command.examples.length > 0)
    lines.push('', '```sh', ...command.examples.map((example) => example), '```');
  return lines.join('\n');
}

export function cliReference(): string {
  return Object.entries(COMMANDS)
    .map(([name, command]) => section(name, command as Command))
    .join('\n\n');
}
