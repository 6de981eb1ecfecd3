import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CallRecord } from '../calls/call.js';
import { openApi, SPEC_FILE } from './openapi.test-support.js';
import { callJson } from './resources/calls.js';

const spec = openApi();
const FROM = '+15550300000';
const ALICE = '+15550301001';

describe('the check', () => {
  const account = `AC${'a'.repeat(32)}`;
  const record: CallRecord = {
    sid: `CA${'b'.repeat(32)}`,
    accountSid: account,
    direction: 'outbound-api',
    from: FROM,
    to: ALICE,
    status: 'completed',
    createdAt: 0,
    updatedAt: 1000,
    startedAt: 0,
    endedAt: 1000,
    duration: 1,
    errors: [],
  };
  const calls = `/2010-04-01/Accounts/${account}/Calls.json`;
  const one = `/2010-04-01/Accounts/${account}/Calls/${record.sid}.json`;
  const body = (changes: Record<string, unknown>, drop?: string) => {
    const json: Record<string, unknown> = { ...callJson(record), ...changes };
    if (drop) delete json[drop];
    return JSON.stringify(json);
  };
  const page = (item: string) =>
    JSON.stringify({
      calls: [JSON.parse(item)],
      page: 0,
      page_size: 50,
      uri: calls,
      first_page_uri: calls,
      next_page_uri: null,
      previous_page_uri: null,
      start: 0,
      end: 0,
    });

  it('passes a conforming answer', () => {
    expect(spec.check('GET', one, 200, body({}))).toEqual([]);
    expect(spec.check('GET', calls, 200, page(body({})))).toEqual([]);
    expect(spec.check('DELETE', one, 204, '')).toEqual([]);
  });

  it('finds a missing property, a wrong type, a null where none is allowed, a bad date, in list items too', () => {
    expect(spec.check('GET', one, 200, body({}, 'trunk_sid'))).toEqual([
      expect.stringContaining("must have required property 'trunk_sid'"),
    ]);
    expect(spec.check('GET', one, 200, body({ duration: 1 }))).toEqual([
      expect.stringContaining('/duration must be string'),
    ]);
    expect(spec.check('GET', one, 200, body({ status: 'done' }))).toEqual([
      expect.stringContaining('/status must be equal to one of the allowed values'),
    ]);
    expect(spec.check('GET', one, 200, body({ date_created: '2020-01-01' }))).toEqual([
      expect.stringContaining('/date_created must match format "date-time-rfc-2822"'),
    ]);
    expect(spec.check('GET', calls, 200, page(body({}, 'price')))).toEqual([
      expect.stringContaining("/calls/0 must have required property 'price'"),
    ]);
    const queue = '/2010-04-01/Accounts/{AccountSid}/Queues/{Sid}.json';
    expect(spec.template('GET', `/2010-04-01/Accounts/${account}/Queues/QU${'c'.repeat(32)}.json`)).toBe(queue);
  });

  it('finds a status the operation does not list, and an error without the RestException shape', () => {
    expect(spec.check('POST', calls, 200, body({}))).toEqual([
      expect.stringContaining('status 200, the description lists 201'),
    ]);
    expect(spec.check('GET', one, 404, JSON.stringify({ code: 20404, message: 'gone', status: 404 }))).toEqual([
      expect.stringContaining('more_info is not a URL'),
    ]);
    expect(spec.check('GET', `/2010-04-01/Accounts/${account}/Frobs.json`, 200, '{}')).toEqual([
      expect.stringContaining('no such operation'),
    ]);
  });
});

describe('the OpenAPI description', () => {
  it('is the official one, unchanged (when the shared reference copy is at hand)', () => {
    // shared/reference/openapi sits beside the repository (or its worktrees) on project machines.
    let directory = dirname(SPEC_FILE);
    for (let up = 0; up < 8; up++, directory = dirname(directory)) {
      const shared = join(directory, 'shared/reference/openapi/twilio_api_v2010.json');
      if (existsSync(shared)) {
        expect(readFileSync(SPEC_FILE, 'utf8')).toBe(readFileSync(shared, 'utf8'));
        return;
      }
    }
  });
});
