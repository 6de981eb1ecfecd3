/**
 * The command line itself, as a user meets it: help for the whole command and for each command,
 * and what a mistake prints (one line saying what was wrong and what to do, exit code 2).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { COMMANDS } from './commands/index.js';
import { main } from './main.js';
import { cleanUpProcesses, runPatchbay } from './processes.test-support.js';

afterEach(cleanUpProcesses);

/** Runs `main` in this process (for checks over every command); what it printed where. */
async function inProcess(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (text) => out.push(text), err: (text) => err.push(text), env: {} });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

describe('patchbay help', () => {
  it('with no arguments, prints the commands to stderr and exits 2', async () => {
    const { code, stdout, stderr } = await runPatchbay([]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('  calls hangup ');
    expect(stderr.trimEnd().split('\n').at(-1)).toBe('patchbay: no command given (missing-command)');
  });

  it('--help lists every command with its one-line summary, and exits 0', async () => {
    const { code, stdout, stderr } = await runPatchbay(['--help']);
    expect([code, stderr]).toEqual([0, '']);
    for (const [name, command] of Object.entries(COMMANDS))
      expect(stdout).toMatch(new RegExp(`^  ${name} +${command.summary.replace(/[()?.*+[\]]/g, '\\$&')}$`, 'm'));
    expect(stdout).toContain('Exit codes:');
    expect(stdout).toContain('PATCHBAY_URL');
  });

  it('`<command> --help` and `help <command>` print that command only', async () => {
    const flag = await runPatchbay(['calls', 'hangup', '--help']);
    const word = await runPatchbay(['help', 'calls', 'hangup']);
    expect(flag.code).toBe(0);
    expect(word).toEqual(flag);
    expect(flag.stdout).toMatch(/^Usage: patchbay calls hangup <CallSid> \[options\]/);
    expect(flag.stdout).toContain('--server <url>');
    expect(flag.stdout).not.toContain('numbers create');
  });

  it("every command's help shows its own usage and each of its flags", async () => {
    for (const [name, command] of Object.entries(COMMANDS)) {
      const { code, stdout } = await inProcess([...name.split(' '), '--help']);
      expect(code).toBe(0);
      expect(stdout.startsWith(`Usage: patchbay ${name}`)).toBe(true);
      for (const flag of Object.keys(command.flags)) expect(stdout).toContain(`--${flag}`);
      expect(stdout.includes('--account <AC...>')).toBe(command.client);
    }
  });

  it('a group without its command lists the group and exits 2; with --help exits 0', async () => {
    const bare = await runPatchbay(['calls']);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('  calls tail ');
    expect(bare.stderr).not.toContain('numbers create');
    expect(bare.stderr).toContain('patchbay: `patchbay calls` needs a command (missing-command)');
    const help = await runPatchbay(['calls', '--help']);
    expect([help.code, help.stderr]).toEqual([0, '']);
    expect(help.stdout).toContain('  calls hangup ');
  });

  it('--version prints the version', async () => {
    const { code, stdout } = await runPatchbay(['--version']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});

describe('patchbay usage mistakes', () => {
  const mistakes: Array<[string[], string]> = [
    [['cals', 'list'], 'patchbay: unknown command "cals" (unknown-command): did you mean `patchbay calls list`?'],
    [['calls', 'lst'], 'patchbay: unknown command "calls lst" (unknown-command): did you mean `patchbay calls list`?'],
    [
      ['calls', 'list', '--stauts', 'queued'],
      'patchbay: unknown flag --stauts for `patchbay calls list` (unknown-flag): did you mean --status?',
    ],
    [
      ['calls', 'list', '--status', 'bogus'],
      'patchbay: --status "bogus" is not one of queued, ringing, in-progress, completed, busy, failed, no-answer, canceled (invalid-value)',
    ],
    [['calls', 'list', '--status'], 'patchbay: --status needs a value: --status <status> (missing-value)'],
    [
      ['calls', 'create', '--to', '--from', '+15550001111'],
      'patchbay: --to needs a value: --to <number> (missing-value)',
    ],
    [['calls', 'hangup'], 'patchbay: `patchbay calls hangup` needs <CallSid>: the call (CA...) (missing-argument)'],
    [
      ['calls', 'hangup', 'CA123'],
      'patchbay: <CallSid>: "CA123" is not a call SID (CA and 32 hex digits) (invalid-value)',
    ],
    [['calls', 'list', 'extra'], 'patchbay: unexpected argument "extra" (unexpected-argument)'],
    [['numbers', 'create'], 'patchbay: `patchbay numbers create` needs --number <E.164> (missing-flag)'],
    [
      ['calls', 'create', '--to', '+15551230000', '--from', '+15550001111'],
      'patchbay: give one of --url, --twiml, --application (missing-flag)',
    ],
    [
      ['numbers', 'create', '--number', '+15551230000', '--voice-url', '127.0.0.1:4000/voice'],
      'patchbay: --voice-url: "127.0.0.1:4000/voice" has no scheme: write it as http://127.0.0.1:4000/voice (invalid-value)',
    ],
    [['calls', 'list', '--debug=yes'], 'patchbay: --debug is a switch and takes no value (invalid-value)'],
  ];

  it('each says what was wrong on one line, points at the help, and exits 2', async () => {
    const env = { PATCHBAY_ACCOUNT_SID: `AC${'0'.repeat(32)}`, PATCHBAY_AUTH_TOKEN: 'x' };
    const results = await Promise.all(mistakes.map(([args]) => runPatchbay(args, env)));
    for (const [i, [args, message]] of mistakes.entries()) {
      const { code, stdout, stderr } = results[i] as (typeof results)[number];
      expect({ args, code, stdout }).toEqual({ args, code: 2, stdout: '' });
      expect(stderr.split('\n').filter(Boolean)).toHaveLength(1);
      expect(stderr.startsWith(message)).toBe(true);
      expect(stderr).toMatch(/see `patchbay [a-z ]*--help`/);
    }
  }, 30_000);
});
