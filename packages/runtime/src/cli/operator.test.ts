/**
 * Operator commands on a data directory, each in its own process: credentials (shown beside a
 * running server, rotated only with it stopped) and online backup, restored by serving from the
 * copy (the procedure docs/operations.md gives).
 */
import { once } from 'node:events';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanUpProcesses, dataDirectory, runPatchbay, servePatchbay } from './processes.test-support.js';

afterEach(cleanUpProcesses);

const FRESH = { PATCHBAY_ACCOUNT_SID: '', PATCHBAY_AUTH_TOKEN: '' };

/** Runs an operator command: its exit code and the lines it printed on stdout and stderr. */
async function operator(args: string[]) {
  const { code, stdout, stderr } = await runPatchbay(args);
  const lines = (text: string) => text.split('\n').filter(Boolean);
  return { code, out: lines(stdout), err: lines(stderr) };
}

function credentialsIn(lines: readonly string[]) {
  const text = lines.join('\n');
  return { sid: /Account SID: (\S+)/.exec(text)?.[1] ?? '', token: /Auth token: +(\S+)/.exec(text)?.[1] ?? '' };
}

async function api(
  base: string,
  who: { sid: string; token: string },
  method: string,
  resource: string,
  params?: Record<string, string>,
) {
  const response = await fetch(`${base}/2010-04-01/Accounts/${who.sid}/${resource}`, {
    method,
    headers: {
      authorization: `Basic ${Buffer.from(`${who.sid}:${who.token}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    ...(params ? { body: new URLSearchParams(params) } : {}),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('patchbay credentials', () => {
  it('shows the bootstrap account’s token beside a running server, and rotates it only once the server is stopped', async () => {
    const data = await dataDirectory('patchbay-credentials-');
    const server = await servePatchbay(data, FRESH);
    const first = credentialsIn(server.seen);
    expect(first.token).toMatch(/^[0-9a-f]{32}$/);

    const shown = await operator(['credentials', '--data', data]);
    expect(shown).toEqual({ code: 0, out: [`Account SID: ${first.sid}`, `Auth token:  ${first.token}`], err: [] });

    const refused = await operator(['credentials', '--rotate', '--data', data]);
    expect(refused).toEqual({
      code: 1,
      out: [],
      err: [
        `patchbay: the data directory ${data} is in use by another Patchbay process (pid ${server.child.pid}) (data-locked): stop that server first, or rotate through its API (POST /v1/AuthTokens/Secondary, then POST /v1/AuthTokens/Promote)`,
      ],
    });
    expect((await api(server.url, first, 'GET', 'Calls.json')).status).toBe(200);

    server.child.kill('SIGTERM');
    await once(server.child, 'exit');
    const rotated = await operator(['credentials', '--rotate', '--data', data]);
    expect(rotated.code).toBe(0);
    expect(rotated.out[1]).toMatch(/\(new, shown once: the old token no longer works\)$/);
    const next = credentialsIn(rotated.out);
    expect(next.sid).toBe(first.sid);
    expect(next.token).toMatch(/^[0-9a-f]{32}$/);
    expect(next.token).not.toBe(first.token);

    // Started with the variables of before the rotation (a stale EnvironmentFile): the stored token
    // is in effect, and the log says the variable is out of date, without showing either token.
    const again = await servePatchbay(data, { PATCHBAY_ACCOUNT_SID: first.sid, PATCHBAY_AUTH_TOKEN: first.token });
    expect((await api(again.url, first, 'GET', 'Calls.json')).status).toBe(401);
    expect((await api(again.url, next, 'GET', 'Calls.json')).status).toBe(200);
    const stale = JSON.parse(await again.line((line) => line.includes('PATCHBAY_AUTH_TOKEN'))) as Record<
      string,
      unknown
    >;
    expect(stale).toMatchObject({
      level: 40,
      account: first.sid,
      msg: "PATCHBAY_AUTH_TOKEN is not this account's auth token (rotated since it was set?): the stored token is in effect; update the variable (`patchbay credentials` shows the token)",
    });
    expect(again.seen.join('\n')).not.toContain(first.token);
  }, 30_000);

  it('says so in one line when the directory holds no database', async () => {
    const data = await dataDirectory('patchbay-credentials-none-');
    expect(await operator(['credentials', '--data', data])).toEqual({
      code: 1,
      out: [],
      err: [
        `patchbay: there is no Patchbay database at ${join(data, 'patchbay.db')} (database-missing): give the --data directory of a Patchbay server (default ./.patchbay)`,
      ],
    });
  });
});

describe('patchbay backup', () => {
  it('copies a running server’s store consistently, recordings included, and the copy serves as the restored data directory', async () => {
    const data = await dataDirectory('patchbay-backup-');
    const server = await servePatchbay(data, FRESH);
    const who = credentialsIn(server.seen);
    const number = await api(server.url, who, 'POST', 'IncomingPhoneNumbers.json', {
      PhoneNumber: '+15550800000',
      VoiceUrl: 'http://127.0.0.1:9/voice',
    });
    expect(number.status).toBe(201);
    const recorded = await api(server.url, who, 'POST', 'Calls.json', {
      To: '+15550800001',
      From: '+15550800000',
      Twiml: '<Response><Pause length="1"/></Response>',
      Record: 'true',
    });
    // Wait for the call's recording (its audio is a blob).
    let recordings: Array<{ sid: string }> = [];
    while (recordings.length === 0) {
      const listed = await api(server.url, who, 'GET', `Recordings.json?CallSid=${recorded.body.sid}`);
      recordings = listed.body.recordings as Array<{ sid: string }>;
      if (recordings.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }

    // Calls keep arriving while the backup runs.
    const before: string[] = [];
    for (let i = 0; i < 20; i++) {
      const call = await api(server.url, who, 'POST', 'Calls.json', {
        To: `+155508010${String(i).padStart(2, '0')}`,
        From: '+15550800000',
        Twiml: '<Response><Hangup/></Response>',
      });
      before.push(String(call.body.sid));
    }
    let writing = true;
    const during = (async () => {
      for (let i = 0; writing; i++) {
        await api(server.url, who, 'POST', 'Calls.json', {
          To: `+155508020${String(i % 100).padStart(2, '0')}`,
          From: '+15550800000',
          Twiml: '<Response><Hangup/></Response>',
        });
      }
    })();
    const destination = join(await dataDirectory('patchbay-backup-copy-'), 'copy');
    const backup = await operator(['backup', destination, '--data', data]);
    writing = false;
    await during;
    expect(backup.code).toBe(0);
    expect(backup.out).toHaveLength(1);
    expect(backup.out[0]).toMatch(
      new RegExp(
        `^Backed up ${data} to ${destination}: \\d+ records, \\d+ callbacks to deliver, 1 recordings, [\\d.]+ MiB$`,
      ),
    );
    // A backup never overwrites.
    const twice = await operator(['backup', destination, '--data', data]);
    expect(twice.code).toBe(1);
    expect(twice.err).toEqual([
      `patchbay: the backup destination ${destination} is not empty (destination-not-empty): give a new or empty directory: a backup never overwrites one`,
    ]);

    // Restore: serve from the copy (the live server keeps its own directory).
    const restored = await servePatchbay(destination, FRESH);
    expect(credentialsIn(restored.seen)).toEqual({ sid: who.sid, token: '' });
    const calls = await api(restored.url, who, 'GET', 'Calls.json?PageSize=1000');
    const sids = new Set((calls.body.calls as Array<{ sid: string }>).map((call) => call.sid));
    for (const sid of [String(recorded.body.sid), ...before]) expect(sids.has(sid)).toBe(true);
    const numbers = await api(restored.url, who, 'GET', 'IncomingPhoneNumbers.json');
    expect((numbers.body.incoming_phone_numbers as Array<{ phone_number: string }>)[0]?.phone_number).toBe(
      '+15550800000',
    );
    const audio = await fetch(`${restored.url}/2010-04-01/Accounts/${who.sid}/Recordings/${recordings[0]?.sid}.wav`);
    expect(audio.status).toBe(200);
    expect(
      Buffer.from(await audio.arrayBuffer())
        .subarray(0, 4)
        .toString(),
    ).toBe('RIFF');
  }, 30_000);
});
