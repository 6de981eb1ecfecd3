/**
 * A full store: `patchbay serve` with its database capped (`--max-db-mb`, SQLite's own
 * max_page_count, so the failures are SQLite's real SQLITE_FULL) takes calls until the cap, then
 * answers 503 with a code and Retry-After, runs none of what it refused, reports itself degraded
 * (health endpoint, one log line), recovers by itself once space is back, and every call it
 * answered 201 is there after a restart.
 */
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { startAppServer } from '../testing/app-server.js';
import { cleanUpProcesses, dataDirectory, restAs, servePatchbay } from './processes.test-support.js';

afterEach(cleanUpProcesses);

const ACCOUNT = `AC${'6'.repeat(32)}`;
const TOKEN = 'd'.repeat(32);
const NUMBER = '+15550600000';
const { request, health } = restAs(ACCOUNT, TOKEN);

describe('a server whose store is full', () => {
  it('refuses what it cannot store with 503, runs none of it, is degraded until space is back, and keeps all it acknowledged', async () => {
    const data = await dataDirectory('patchbay-full-');
    await using app = await startAppServer({
      '/voice': () => '<Response><Hangup/></Response>',
      '/status': () => '',
    });
    const env = { PATCHBAY_ACCOUNT_SID: ACCOUNT, PATCHBAY_AUTH_TOKEN: TOKEN };
    const server = await servePatchbay(data, env, { args: ['--max-db-mb', '0.25'] });
    const number = await request(server.url, 'POST', 'IncomingPhoneNumbers.json', {
      PhoneNumber: NUMBER,
      VoiceUrl: `${app.url}/voice`,
    });
    expect(number.status).toBe(201);
    expect(await health(server.url)).toEqual({ status: 200, body: { status: 'ok' } });

    const accepted: Array<{ sid: string; to: string }> = [];
    const refused: string[] = [];
    let refusal: Awaited<ReturnType<typeof request>> | undefined;
    for (let i = 0; i < 3000 && refused.length < 20; i++) {
      const to = `+1555061${String(i).padStart(4, '0')}`;
      const answer = await request(server.url, 'POST', 'Calls.json', {
        To: to,
        From: NUMBER,
        Url: `${app.url}/voice`,
        StatusCallback: `${app.url}/status`,
      });
      if (answer.status === 201) accepted.push({ sid: answer.body.sid, to });
      else {
        expect(answer.status).toBe(503);
        refusal ??= answer;
        refused.push(to);
      }
    }
    expect(accepted.length).toBeGreaterThan(10);
    expect(refused).toHaveLength(20);
    expect(refusal?.body).toMatchObject({ code: 20503, status: 503 });
    expect(refusal?.body.message).toContain('full');
    expect(Number(refusal?.retryAfter)).toBeGreaterThan(0);
    expect(await health(server.url)).toMatchObject({ status: 503, body: { status: 'degraded', code: 'store-full' } });
    // Inbound calls and messages are refused the same way (small ones may still fit for a while).
    const refusedCallers: string[] = [];
    const refusedTexts: string[] = [];
    for (let i = 0; i < 50 && (refusedCallers.length === 0 || refusedTexts.length === 0); i++) {
      const from = `+1555062${String(i).padStart(4, '0')}`;
      const inbound = await request(server.url, 'POST', 'Simulator/Calls.json', { To: NUMBER, From: from });
      if (inbound.status !== 201) refusedCallers.push(from);
      const to = `+1555063${String(i).padStart(4, '0')}`;
      const text = await request(server.url, 'POST', 'Messages.json', {
        To: to,
        From: NUMBER,
        Body: 'x'.repeat(1600),
        StatusCallback: `${app.url}/status`,
      });
      if (text.status !== 201) refusedTexts.push(to);
      for (const answer of [inbound, text]) if (answer.status !== 201) expect(answer.status).toBe(503);
    }
    expect(refusedCallers.length).toBeGreaterThan(0);
    expect(refusedTexts.length).toBeGreaterThan(0);
    // Reads still work.
    expect((await request(server.url, 'GET', 'Calls.json?PageSize=1')).status).toBe(200);

    // Nothing refused ran: no refused number was dialed (its app was never fetched for it),
    // and the inbound caller's app was never asked.
    const fetchedFor = new Set(app.requestsTo('/voice').map((r) => String(r.params.To)));
    for (const to of refused) expect(fetchedFor.has(to)).toBe(false);
    for (const from of refusedCallers) expect(app.requestsTo('/voice').some((r) => r.params.From === from)).toBe(false);

    // Space comes back (old calls deleted): the next write succeeds and degraded ends by itself.
    for (const { sid } of accepted.splice(0, 30)) {
      const deleted = await request(server.url, 'DELETE', `Calls/${sid}.json`);
      expect(deleted.status).toBe(204);
    }
    await server.line((line) => line.includes('recovered: the store takes writes again'));
    const again = await request(server.url, 'POST', 'Calls.json', {
      To: '+15550619999',
      From: NUMBER,
      Url: `${app.url}/voice`,
    });
    expect(again.status).toBe(201);
    accepted.push({ sid: again.body.sid, to: '+15550619999' });
    expect(await health(server.url)).toEqual({ status: 200, body: { status: 'ok' } });
    // One log line on entering the state and one on leaving it, not one per refused request.
    expect(server.seen.filter((line) => line.includes('degraded: the store refuses writes'))).toHaveLength(1);
    expect(server.seen.filter((line) => line.includes('recovered: the store takes writes again'))).toHaveLength(1);

    server.child.kill('SIGTERM');
    await once(server.child, 'exit');
    const restarted = await servePatchbay(data, env);
    const listed = await request(restarted.url, 'GET', 'Calls.json?PageSize=1000');
    const stored = new Set((listed.body.calls as Array<{ sid: string }>).map((call) => call.sid));
    for (const { sid } of accepted) expect(stored.has(sid)).toBe(true);
    // No refused message was handed to the carrier: its app never heard a status for it.
    for (const to of refusedTexts) expect(app.requestsTo('/status').some((r) => r.params.To === to)).toBe(false);
  }, 60_000);
});
