/**
 * Durability on PostgreSQL, as crash.test.ts checks it on SQLite: a node on `--store
 * postgres://` is killed (SIGKILL) while calls are created and callbacks flow, and a node is
 * started again on the same database. Every accepted call is there and ended, every callback
 * pending at the kill is delivered (those the dead node had claimed once its lease ends), each
 * call's app hears exactly one final status, and the only repeats are callbacks whose delivery
 * the kill interrupted.
 */
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { PostgresStore } from '../store/postgres.js';
import { usePostgres } from '../store/postgres.test-support.js';
import { type RecordedRequest, startAppServer } from '../testing/app-server.js';
import { expectDeliveredOnce } from './crash.test-support.js';
import { cleanUpProcesses, dataDirectory, servePatchbay } from './processes.test-support.js';

afterEach(cleanUpProcesses);

const postgres = usePostgres();

const ACCOUNT = `AC${'3'.repeat(32)}`;
const TOKEN = 'a'.repeat(32);
const AUTH = `Basic ${Buffer.from(`${ACCOUNT}:${TOKEN}`).toString('base64')}`;
const env = { PATCHBAY_ACCOUNT_SID: ACCOUNT, PATCHBAY_AUTH_TOKEN: TOKEN, PATCHBAY_SECRET_KEY: 'ef'.repeat(32) };

describe('a SIGKILL of a node on PostgreSQL', () => {
  it('loses no accepted call or pending callback, and repeats only what the kill interrupted', async () => {
    const url = await postgres().database();
    // A short lease: the callbacks the dead node had claimed go out 2 s after the kill.
    const args = ['--store', url, '--callback-lease-seconds', '2', '--log-level', 'debug'];
    const received: RecordedRequest[] = [];
    const calls: string[] = [];
    let busyEnough!: () => void;
    const busy = new Promise<void>((resolve) => {
      busyEnough = resolve;
    });
    await using app = await startAppServer({
      '/status': (request) => {
        received.push(request);
        if (calls.length >= 80 && received.length >= 60) busyEnough();
        return '';
      },
    });
    const first = await servePatchbay(await dataDirectory('patchbay-pg-crash-a-'), env, { args });
    let killed = false;
    const client = async (n: number) => {
      for (let i = 0; !killed; i++) {
        const response = await fetch(`${first.url}/2010-04-01/Accounts/${ACCOUNT}/Calls.json`, {
          method: 'POST',
          headers: { authorization: AUTH, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams([
            ['To', `+1555072${String(n)}${String(i % 1000).padStart(3, '0')}`],
            ['From', '+15550720000'],
            ['Twiml', '<Response><Pause length="1"/></Response>'],
            ['StatusCallback', `${app.url}/status`],
            ...['initiated', 'ringing', 'answered', 'completed'].map((event): [string, string] => [
              'StatusCallbackEvent',
              event,
            ]),
          ]),
        }).catch(() => undefined);
        // The server is gone: what was not answered 201 was not accepted.
        if (response?.status !== 201) return;
        calls.push(((await response.json()) as { sid: string }).sid);
      }
    };
    const clients = Array.from({ length: 6 }, (_, n) => client(n));
    await busy;
    first.child.kill('SIGKILL');
    killed = true;
    await once(first.child, 'exit');
    await Promise.all(clients);
    const deliveredBeforeKill = new Set(received.map((r) => String(r.headers['i-twilio-idempotency-token'])));
    const store = await PostgresStore.open(url);
    const pendingKeys = new Set((await store.outbox.due(Number.MAX_SAFE_INTEGER, 100_000)).map((c) => c.key));
    await store.close();
    expect(pendingKeys.size).toBeGreaterThan(0);

    const second = await servePatchbay(await dataDirectory('patchbay-pg-crash-b-'), env, { args });
    await second.line((text) => text.includes('outbox empty'));

    const listed = await fetch(`${second.url}/2010-04-01/Accounts/${ACCOUNT}/Calls.json?PageSize=1000`, {
      headers: { authorization: AUTH },
    });
    const byCall = new Map(
      ((await listed.json()) as { calls: Array<{ sid: string; status: string }> }).calls.map((c) => [c.sid, c.status]),
    );
    for (const sid of calls) expect(['completed', 'failed']).toContain(byCall.get(sid));
    expectDeliveredOnce(received, calls, pendingKeys, deliveredBeforeKill);
  }, 90_000);
});
