import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Patchbay } from './client.js';
import { RestError } from './http.js';

const BASE = 'http://patchbay.test';
const ACCOUNT = `AC${'a'.repeat(32)}`;
const TOKEN = 'secret-token';
const CALL = `CA${'1'.repeat(32)}`;

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const callJson = (sid: string, status = 'queued') => ({
  sid,
  account_sid: ACCOUNT,
  parent_call_sid: null,
  direction: 'outbound-api',
  from: '+15550100',
  to: '+15550199',
  status,
  date_created: 'Sat, 21 Nov 2026 22:00:00 +0000',
  date_updated: 'Sat, 21 Nov 2026 22:00:01 +0000',
  start_time: null,
  end_time: null,
  duration: null,
  uri: `/2010-04-01/Accounts/${ACCOUNT}/Calls/${sid}.json`,
  subresource_uris: { recordings: `/2010-04-01/Accounts/${ACCOUNT}/Calls/${sid}/Recordings.json` },
});

const client = () => new Patchbay(ACCOUNT, TOKEN, { baseUrl: BASE });

describe('Patchbay REST client', () => {
  it('sends form-encoded PascalCase parameters with Basic auth and reads camelCase instances', async () => {
    let seen: { auth: string | null; form: URLSearchParams } | undefined;
    server.use(
      http.post(`${BASE}/2010-04-01/Accounts/${ACCOUNT}/Calls.json`, async ({ request }) => {
        seen = { auth: request.headers.get('authorization'), form: new URLSearchParams(await request.text()) };
        return HttpResponse.json(callJson(CALL), { status: 201 });
      }),
    );
    const call = await client().calls.create({
      to: '+15550199',
      from: '+15550100',
      url: 'https://app.example.com/voice',
      statusCallbackEvent: ['initiated', 'completed'],
      record: true,
      timeout: 30,
    });
    expect(seen?.auth).toBe(`Basic ${Buffer.from(`${ACCOUNT}:${TOKEN}`).toString('base64')}`);
    expect([...(seen?.form.entries() ?? [])]).toEqual([
      ['To', '+15550199'],
      ['From', '+15550100'],
      ['Url', 'https://app.example.com/voice'],
      ['StatusCallbackEvent', 'initiated'],
      ['StatusCallbackEvent', 'completed'],
      ['Record', 'true'],
      ['Timeout', '30'],
    ]);
    expect(call).toMatchObject({ sid: CALL, accountSid: ACCOUNT, parentCallSid: null, status: 'queued' });
    expect(call.dateCreated).toEqual(new Date('2026-11-21T22:00:00Z'));
    expect((call as unknown as { subresourceUris: { recordings: string } }).subresourceUris.recordings).toContain(
      '/Recordings.json',
    );
  });

  it('pages lazily through next_page_uri, with filters and a limit', async () => {
    const requested: string[] = [];
    server.use(
      http.get(`${BASE}/2010-04-01/Accounts/${ACCOUNT}/Calls.json`, ({ request }) => {
        const url = new URL(request.url);
        requested.push(url.search);
        const page = Number(url.searchParams.get('Page') ?? 0);
        const sids = [0, 1].map((i) => `CA${String(page * 2 + i).padStart(32, '0')}`);
        const next =
          page < 2 ? `/2010-04-01/Accounts/${ACCOUNT}/Calls.json?PageSize=2&Page=${page + 1}&Status=completed` : null;
        return HttpResponse.json({
          calls: sids.map((sid) => callJson(sid, 'completed')),
          page,
          page_size: 2,
          next_page_uri: next,
        });
      }),
    );
    const all = await client().calls.list({
      status: 'completed',
      pageSize: 2,
      startTimeAfter: new Date('2026-11-01T00:00:00Z'),
    });
    expect(all.map((call) => call.sid.slice(-1))).toEqual(['0', '1', '2', '3', '4', '5']);
    expect(requested[0]).toBe('?Status=completed&PageSize=2&StartTime%3E=2026-11-01');
    requested.length = 0;
    const some = await client().calls.list({ pageSize: 2, limit: 3 });
    expect(some).toHaveLength(3);
    expect(requested).toHaveLength(2);
    const first = await client().calls.page({ pageSize: 2 });
    expect(first.items).toHaveLength(2);
    const second = await first.nextPage();
    expect(second?.page).toBe(1);
  });

  it('turns error answers into RestErrors with the API code, status and link', async () => {
    server.use(
      http.get(`${BASE}/2010-04-01/Accounts/${ACCOUNT}/Calls/${CALL}.json`, () =>
        HttpResponse.json(
          {
            code: 20404,
            message: `The requested resource ${CALL} was not found`,
            more_info: 'https://www.twilio.com/docs/errors/20404',
            status: 404,
          },
          { status: 404 },
        ),
      ),
      http.post(
        `${BASE}/2010-04-01/Accounts/${ACCOUNT}/Messages.json`,
        () => new HttpResponse('<html>bad gateway</html>', { status: 502 }),
      ),
      http.get(`${BASE}/2010-04-01/Accounts/${ACCOUNT}/Queues.json`, () => HttpResponse.error()),
    );
    const missing = await client()
      .calls.get(CALL)
      .catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(RestError);
    expect(missing).toMatchObject({ status: 404, code: 20404, moreInfo: expect.stringContaining('20404') });
    await expect(client().messages.create({ to: '+1', from: '+2', body: 'x' })).rejects.toMatchObject({
      status: 502,
      code: 0,
    });
    await expect(client().queues.list()).rejects.toMatchObject({ name: 'RestError', status: 0 });
  });

  it("acts for the key's account with an API key, and for subaccounts", async () => {
    const key = `SK${'b'.repeat(32)}`;
    const sub = `AC${'c'.repeat(32)}`;
    const paths: string[] = [];
    server.use(
      http.get(`${BASE}/2010-04-01/Accounts/:account/Clients/:identity`, ({ request, params }) => {
        paths.push(new URL(request.url).pathname);
        expect(request.headers.get('authorization')).toBe(`Basic ${Buffer.from(`${key}:shh`).toString('base64')}`);
        return HttpResponse.json({
          account_sid: params.account,
          identity: 'alice smith',
          status: 'online',
          registrations: 2,
          date_last_seen: 'Sat, 21 Nov 2026 22:00:00 +0000',
          uri: '',
        });
      }),
    );
    const viaKey = new Patchbay(key, 'shh', { baseUrl: `${BASE}/`, accountSid: ACCOUNT });
    expect(await viaKey.clients.get('alice smith')).toMatchObject({ identity: 'alice smith', registrations: 2 });
    await viaKey.account(sub).clients.get('alice smith');
    expect(paths).toEqual([
      `/2010-04-01/Accounts/${ACCOUNT}/Clients/alice%20smith.json`,
      `/2010-04-01/Accounts/${sub}/Clients/alice%20smith.json`,
    ]);
    expect(() => new Patchbay(key, 'shh', { baseUrl: BASE })).toThrow(/AC SID/);
  });
});
