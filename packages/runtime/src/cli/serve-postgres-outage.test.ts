/**
 * The database stops answering while `patchbay serve --store postgres://` runs: the server says
 * it is degraded (GET /health 503), refuses changes with 503 and the store's code (20503) and
 * Retry-After instead of hanging or losing them, and once the database is back takes changes
 * again by itself; every call it answered 201 is there.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { usePostgres } from '../store/postgres.test-support.js';
import { startAppServer } from '../testing/app-server.js';
import { cleanUpProcesses, dataDirectory, restAs, servePatchbay } from './processes.test-support.js';

afterEach(cleanUpProcesses);

// Its own server: stopping CI's shared one would stop every other test's database.
const postgres = usePostgres({ own: true });

const ACCOUNT = `AC${'4'.repeat(32)}`;
const TOKEN = 'f'.repeat(32);
const env = { PATCHBAY_ACCOUNT_SID: ACCOUNT, PATCHBAY_AUTH_TOKEN: TOKEN, PATCHBAY_SECRET_KEY: 'cd'.repeat(32) };
const { request, health } = restAs(ACCOUNT, TOKEN);

describe('the database stops mid-run', () => {
  it('degrades, refuses changes with 503 and a code, recovers by itself, and loses nothing it accepted', async () => {
    await using app = await startAppServer({ '/voice': () => '<Response><Hangup/></Response>', '/status': () => '' });
    const node = await servePatchbay(await dataDirectory('patchbay-pg-outage-'), env, {
      args: ['--store', await postgres().database()],
    });
    const create = (to: string) =>
      request(node.url, 'POST', 'Calls.json', { To: to, From: '+15550400000', Url: `${app.url}/voice` });
    const accepted: string[] = [];
    for (let i = 0; i < 5; i++) {
      const answer = await create(`+155504100${String(i).padStart(2, '0')}`);
      expect(answer.status).toBe(201);
      accepted.push(answer.body.sid);
    }
    expect(await health(node.url)).toEqual({ status: 200, body: { status: 'ok' } });

    await postgres().pause();
    const refused = await create('+15550419999');
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ code: 20503, status: 503 });
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    expect(await health(node.url)).toMatchObject({
      status: 503,
      body: { status: 'degraded', code: 'store-unavailable' },
    });
    await node.line((line) => line.includes('degraded: the store refuses writes'));

    await postgres().restart();
    // The probe write finds the database back: no request needed.
    await node.line((line) => line.includes('recovered: the store takes writes again'));
    expect(await health(node.url)).toEqual({ status: 200, body: { status: 'ok' } });
    const again = await create('+15550418888');
    expect(again.status).toBe(201);
    accepted.push(again.body.sid);
    const listed = await request(node.url, 'GET', 'Calls.json?PageSize=100');
    const stored = (listed.body.calls as Array<{ sid: string; to: string }>).map((call) => call.sid);
    expect(stored.sort()).toEqual([...accepted].sort());
  }, 90_000);
});
