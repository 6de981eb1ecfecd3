/**
 * `patchbay serve` startup failures, each in its own process: one line saying what is wrong,
 * where, and what to do, with a stable code, a non-zero exit, no stack trace, and nothing half
 * made (no account whose token was never shown).
 */
import { once } from 'node:events';
import { stat, truncate, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanUpProcesses, dataDirectory, runPatchbay, servePatchbay } from './processes.test-support.js';

afterEach(cleanUpProcesses);

const FRESH = { PATCHBAY_ACCOUNT_SID: '', PATCHBAY_AUTH_TOKEN: '' };

/** Runs `serve` expecting it to fail: its exit code, and the lines it printed (on stderr; nothing on stdout). */
async function failedStart(args: string[], env: Record<string, string> = FRESH) {
  const { code, stdout, stderr } = await runPatchbay(['serve', '--log-level', 'warn', ...args], env);
  expect(stdout).toBe('');
  return { code, lines: stderr.split('\n').filter(Boolean) };
}

// Each test starts `patchbay serve` processes: seconds on a loaded 2-core CI machine, not the default 5.
describe('patchbay serve refuses to start', { timeout: 30_000 }, () => {
  it('on a data directory another server holds, and starts at once after that server was killed', async () => {
    const data = await dataDirectory('patchbay-lock-');
    const first = await servePatchbay(data, FRESH);
    const second = await failedStart(['--port', '0', '--data', data]);
    expect(second.code).toBe(1);
    expect(second.lines).toHaveLength(1);
    expect(second.lines[0]).toBe(
      `patchbay: the data directory ${data} is in use by another Patchbay process (pid ${first.child.pid}) (data-locked): stop that server first, or give this one its own --data directory`,
    );
    // The first server is untouched: still serving.
    expect((await fetch(`${first.url}/health`)).status).toBe(200);
    // A SIGKILL leaves no lock behind: the kernel drops it with the process.
    first.child.kill('SIGKILL');
    await once(first.child, 'exit');
    const third = await servePatchbay(data, FRESH);
    expect((await fetch(`${third.url}/health`)).status).toBe(200);
  });

  it('on a busy port, creating no account (the next start shows the new token)', async () => {
    const data = await dataDirectory('patchbay-port-');
    const busy = createServer();
    busy.listen(0, '127.0.0.1');
    await once(busy, 'listening');
    const { port } = busy.address() as AddressInfo;
    try {
      const failed = await failedStart(['--port', String(port), '--data', data]);
      expect(failed).toEqual({
        code: 1,
        lines: [
          `patchbay: port ${port} on 127.0.0.1 is in use by another process (port-in-use): stop it, or choose another --port`,
        ],
      });
    } finally {
      busy.close();
    }
    const started = await servePatchbay(data, FRESH);
    expect(started.token).toMatch(/^[0-9a-f]{32}$/);
  });

  it('on an empty (truncated) database file, rather than using it as an empty store', async () => {
    const data = await dataDirectory('patchbay-empty-');
    await writeFile(join(data, 'patchbay.db'), '');
    const failed = await failedStart(['--port', '0', '--data', data]);
    expect(failed.code).toBe(1);
    expect(failed.lines).toEqual([
      `patchbay: ${join(data, 'patchbay.db')} is empty (0 bytes), so it was truncated: using it would start with no accounts, numbers or calls (database-empty): restore it from a backup (docs/operations.md), or delete it to start afresh`,
    ]);
  });

  it('on a corrupt or cut-off database file', async () => {
    const garbage = await dataDirectory('patchbay-garbage-');
    await writeFile(join(garbage, 'patchbay.db'), 'this is not a database '.repeat(200));
    const notADatabase = await failedStart(['--port', '0', '--data', garbage]);
    expect(notADatabase.code).toBe(1);
    expect(notADatabase.lines).toHaveLength(1);
    expect(notADatabase.lines[0]).toMatch(
      /^patchbay: .*patchbay\.db is not a usable database \(SQLITE_NOTADB: .*\) \(database-corrupt\): restore it from a backup /,
    );

    // A real store, stopped cleanly, then cut in half.
    const cut = await dataDirectory('patchbay-cut-');
    const server = await servePatchbay(cut, FRESH);
    const auth = `Basic ${Buffer.from(`${server.sid}:${server.token}`).toString('base64')}`;
    const sid = server.sid;
    for (let i = 0; i < 40; i++) {
      await fetch(`${server.url}/2010-04-01/Accounts/${sid}/Applications.json`, {
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ FriendlyName: `app ${i} ${'x'.repeat(1000)}` }),
      });
    }
    server.child.kill('SIGTERM');
    await once(server.child, 'exit');
    const file = join(cut, 'patchbay.db');
    const { size } = await stat(file);
    await truncate(file, Math.floor(size / 2));
    const truncated = await failedStart(['--port', '0', '--data', cut]);
    expect(truncated.code).toBe(1);
    expect(truncated.lines).toHaveLength(1);
    expect(truncated.lines[0]).toMatch(/is not a usable database .*\(database-corrupt\): restore it from a backup/);
  });

  it('on a data directory it cannot write, and on a malformed account SID', async () => {
    // (A directory without write permission says EACCES the same way; root, as in CI, may write anywhere.)
    const parent = await dataDirectory('patchbay-unwritable-');
    const file = join(parent, 'a-file');
    await writeFile(file, 'not a directory');
    const notADirectory = await failedStart(['--port', '0', '--data', join(file, 'data')]);
    expect(notADirectory.code).toBe(1);
    expect(notADirectory.lines).toEqual([
      `patchbay: cannot create the data directory ${join(file, 'data')} (ENOTDIR) (data-unwritable): choose a --data directory this user may write to`,
    ]);
    const data = await dataDirectory('patchbay-sid-');
    const badSid = await failedStart(['--port', '0', '--data', data], {
      PATCHBAY_ACCOUNT_SID: 'ACnope',
      PATCHBAY_AUTH_TOKEN: '',
    });
    expect(badSid).toEqual({
      code: 1,
      lines: [
        'patchbay: PATCHBAY_ACCOUNT_SID "ACnope" is not an account SID (invalid-account): give AC followed by 32 hex digits, or leave it unset to create one',
      ],
    });
  });

  it('on a bad flag value, as a usage error naming the flag (not an internal bug, nor a start with it)', async () => {
    const data = await dataDirectory('patchbay-flags-');
    const see = '(invalid-value): see `patchbay serve --help`';
    for (const [flags, line] of [
      [['--port', '99999'], `patchbay: --port: must be a whole number from 0 to 65535 ${see}`],
      [['--port', 'abc'], `patchbay: --port: must be a whole number from 0 to 65535 ${see}`],
      [['--drain-seconds', 'abc'], `patchbay: --drain-seconds: must be a whole number from 0 to 86400 ${see}`],
      [
        ['--log-level', 'verbose'],
        'patchbay: --log-level "verbose" is not one of fatal, error, warn, info, debug (invalid-value): see `patchbay serve --help`',
      ],
      [
        ['--public-url', 'voice.example.com'],
        `patchbay: --public-url: "voice.example.com" has no scheme: write it as http://voice.example.com ${see}`,
      ],
    ] as const) {
      expect(await failedStart([...flags, '--data', data])).toEqual({ code: 2, lines: [line] });
    }
  });
});
