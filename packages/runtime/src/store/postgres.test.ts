import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { runStoreConformance } from '../testing/store-conformance.js';
import { PostgresStore } from './postgres.js';
import { usePostgres } from './postgres.test-support.js';

const postgres = usePostgres();

runStoreConformance('postgres', async () => PostgresStore.open(await postgres().database()));

describe('PostgresStore', () => {
  it('refuses filter fields, kinds and blob keys that could escape their place', async () => {
    const store = await PostgresStore.open(await postgres().database());
    try {
      await expect(
        store.list('call', { accountSid: 'AC1', where: { "x' OR 1=1 --": 'y' }, page: 0, pageSize: 1 }),
      ).rejects.toThrow(TypeError);
      await expect(store.findOne('call', { "status' --": 'y' })).rejects.toThrow(TypeError);
      await expect(store.findOne("call' --" as 'call', { status: 'y' })).rejects.toThrow(TypeError);
      await expect(
        store.list('call', { accountSid: 'AC1', ranges: { "a') --": { min: 1 } }, page: 0, pageSize: 1 }),
      ).rejects.toThrow(TypeError);
      await expect(store.blobs.put('../escape', new Uint8Array())).rejects.toThrow(TypeError);
    } finally {
      await store.close();
    }
  });

  it('finds a number by its phone number, and calls by status, through their indexes', async () => {
    const url = await postgres().database();
    const store = await PostgresStore.open(url);
    try {
      for (let n = 0; n < 50; n++)
        await store.put('number', { sid: `PN${n}`, accountSid: 'AC1', createdAt: n, phoneNumber: `+1555${n}` });
      expect(await store.findOne('number', { phoneNumber: '+155542' })).toMatchObject({ sid: 'PN42' });
      // The value's type counts, as with ===: a number is not its string.
      await store.put('call', { sid: 'CA1', accountSid: 'AC1', createdAt: 1, status: 'queued', n: 7 });
      expect(await store.findOne('call', { n: '7' })).toBeUndefined();
      expect(await store.findOne('call', { n: 7 })).toMatchObject({ sid: 'CA1' });
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query('SET enable_seqscan = off');
        const plan = await client.query(
          `EXPLAIN SELECT body FROM records WHERE kind = 'number' AND body -> 'phoneNumber' = '"+155542"'::jsonb`,
        );
        expect(plan.rows.map((row) => Object.values(row)[0]).join('\n')).toContain('numbers_by_phone');
      } finally {
        await client.end();
      }
    } finally {
      await store.close();
    }
  });
});

describe('PostgresStore and U+0000', () => {
  it('keeps strings jsonb cannot hold, byte for byte, in records, filters and callbacks', async () => {
    const store = await PostgresStore.open(await postgres().database());
    try {
      const odd = ['a\u0000b', '\uE000x', '\uE0001\u0000', '\u0000', 'plain'];
      const record = { sid: 'SM1', accountSid: 'AC1', createdAt: 1, body: odd[0], list: odd, nested: { v: odd[1] } };
      await store.put('message', record);
      expect(await store.get('message', 'AC1', 'SM1')).toEqual(record);
      expect(await store.findOne('message', { body: 'a\u0000b' })).toEqual(record);
      expect(await store.findOne('message', { body: 'a' })).toBeUndefined();
      expect(
        await store.update<typeof record>('message', 'AC1', 'SM1', (current) => ({
          ...current,
          body: `${current.body}\u0000`,
        })),
      ).toMatchObject({ body: 'a\u0000b\u0000' });
      await store.outbox.add({
        key: 'k',
        accountSid: 'AC1',
        url: 'http://a',
        method: 'POST',
        params: { Body: odd },
        nextAttemptAt: 0,
      });
      expect((await store.outbox.due(1, 1))[0]?.params).toEqual({ Body: odd });
    } finally {
      await store.close();
    }
  });
});
